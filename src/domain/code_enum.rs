//! The small closed sets of the domain (statuses, kinds, roles, choices)
//! are each stored and posted as a text code and shown by a label.
//! `code_enum!` writes that part once: the enum, `ALL`, `as_str`, `parse`
//! and, when labels are given, `label` and a `Display` that shows it. How a
//! code is stored is `db::sql_values`' business.

/// Declares an enum whose variants carry a text code (and a label):
///
/// ```ignore
/// code_enum! {
///     /// Doc and attributes, as on any enum.
///     #[derive(Serialize, Deserialize)]
///     pub enum ReviewState {
///         NotNeeded => "not_needed", "Not needed";
///         Approved => "approved", "Approved";
///     }
///     refused(value) -> StatusError { StatusError::new("review state", value) }
/// }
/// ```
///
/// Every such enum is `Debug, Clone, Copy, PartialEq, Eq, Hash`; `parse`
/// accepts exactly the codes and answers anything else with the error the
/// last line builds from what was given.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident => $code:literal, $label:literal;)+
        }
        refused($given:pat) -> $error:ty { $refusal:expr }
    ) => {
        code_enum! {
            $(#[$meta])*
            $vis enum $name {
                $($(#[$variant_meta])* $variant => $code;)+
            }
            refused($given) -> $error { $refusal }
        }

        impl $name {
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident => $code:literal;)+
        }
        refused($given:pat) -> $error:ty { $refusal:expr }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            pub const ALL: [$name; [$($name::$variant),+].len()] = [$($name::$variant),+];

            /// The stored and posted code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Exactly one of the codes, else the refusal.
            pub fn parse(value: &str) -> Result<$name, $error> {
                $name::ALL
                    .into_iter()
                    .find(|candidate| candidate.as_str() == value)
                    .ok_or_else(|| {
                        let $given = value;
                        $refusal
                    })
            }
        }
    };
}

pub(crate) use code_enum;

#[cfg(test)]
mod tests {
    code_enum! {
        /// A set with labels.
        enum Light {
            Red => "red", "Stop";
            Green => "green", "Go";
        }
        refused(given) -> String { format!("no light {given:?}") }
    }

    code_enum! {
        enum Bare {
            One => "one";
        }
        refused(_) -> NoSuchCode { NoSuchCode }
    }

    #[derive(Debug, PartialEq)]
    struct NoSuchCode;

    #[test]
    fn codes_labels_and_refusals() {
        assert_eq!(Light::ALL, [Light::Red, Light::Green]);
        assert_eq!(Light::parse("green"), Ok(Light::Green));
        assert_eq!(Light::Green.as_str(), "green");
        assert_eq!(Light::Red.label(), "Stop");
        assert_eq!(Light::Red.to_string(), "Stop");
        assert_eq!(Light::parse("Go"), Err("no light \"Go\"".to_owned()));
        assert_eq!(Bare::parse("one"), Ok(Bare::One));
        assert_eq!(Bare::parse("two"), Err(NoSuchCode));
    }
}
