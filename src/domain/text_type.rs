//! The text side of the parsed text types (`struct Name(String)` built only
//! by its `parse`): read as `&str`, shown as itself, and, for the types
//! serde stores as a plain string, turned from a `String` only through
//! `parse`.

/// `text_type!(Name)` gives `Name::as_str` and `Display`;
/// `text_type!(Name, parsed from String or NameError)` also gives the
/// `TryFrom<String>` (through `Name::parse`) and `From<Name> for String`
/// that `#[serde(try_from = "String", into = "String")]` needs.
macro_rules! text_type {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
    ($name:ident, parsed from String or $error:ty) => {
        text_type!($name);

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(value: String) -> Result<Self, $error> {
                $name::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

pub(crate) use text_type;
