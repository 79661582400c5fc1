//! Requests served, per route pattern, method and status class.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The route label of requests no route pattern matched (404s, and
/// requests refused before routing): one label for all of them, so a scan
/// of made-up paths cannot grow the figures without bound.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Latencies in seconds: 0.5 ms to 10 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route pattern (`/cases/{id}`), never the path as requested.
    route: String,
    method: &'static str,
    /// `2xx`, `3xx`, `4xx` or `5xx`.
    status: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// One app's request figures; clones share the same counts.
#[derive(Clone, Debug)]
pub struct RequestStats {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
}

impl Default for RequestStats {
    fn default() -> Self {
        RequestStats {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
        }
    }
}

impl RequestStats {
    /// Counts one answered request. `route` is the matched route pattern
    /// (`None`: no route matched).
    pub fn record(&self, route: Option<String>, method: &str, status: u16, took: Duration) {
        let labels = RequestLabels {
            route: route.unwrap_or_else(|| UNMATCHED_ROUTE.to_owned()),
            method: method_label(method),
            status: status_class(status),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "rd_http_requests",
            "HTTP requests answered, by route pattern, method and status class",
            self.requests.clone(),
        );
        registry.register(
            "rd_http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern, method and status class",
            self.latency.clone(),
        );
    }
}

/// The methods the app serves by name; anything else is `other`, so a
/// client cannot add labels by inventing methods.
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "POST" => "POST",
        "HEAD" => "HEAD",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposed(stats: &RequestStats) -> String {
        let mut registry = Registry::default();
        stats.register(&mut registry);
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &registry).unwrap();
        text
    }

    #[test]
    fn requests_are_counted_by_pattern_method_and_status_class() {
        let stats = RequestStats::default();
        let pattern = || Some("/cases/{id}".to_owned());
        stats.record(pattern(), "GET", 200, Duration::from_millis(3));
        stats.record(pattern(), "GET", 204, Duration::from_millis(3));
        stats.record(pattern(), "GET", 404, Duration::from_millis(3));
        let text = exposed(&stats);
        assert!(
            text.contains(
                r#"rd_http_requests_total{route="/cases/{id}",method="GET",status="2xx"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"rd_http_requests_total{route="/cases/{id}",method="GET",status="4xx"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"rd_http_request_duration_seconds_bucket{route="/cases/{id}",method="GET",status="2xx",le="0.0025"} 0"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"rd_http_request_duration_seconds_bucket{route="/cases/{id}",method="GET",status="2xx",le="0.005"} 2"#
            ),
            "{text}"
        );
    }

    #[test]
    fn unmatched_requests_and_odd_methods_share_one_label_each() {
        let stats = RequestStats::default();
        stats.record(None, "BREW", 404, Duration::ZERO);
        stats.record(None, "PROPFIND", 405, Duration::ZERO);
        let text = exposed(&stats);
        assert!(
            text.contains(
                r#"rd_http_requests_total{route="unmatched",method="other",status="4xx"} 2"#
            ),
            "{text}"
        );
    }

    #[test]
    fn status_classes() {
        assert_eq!(status_class(101), "1xx");
        assert_eq!(status_class(303), "3xx");
        assert_eq!(status_class(422), "4xx");
        assert_eq!(status_class(503), "5xx");
    }

    #[test]
    fn two_sets_of_figures_never_share_counts() {
        let one = RequestStats::default();
        let other = RequestStats::default();
        one.record(Some("/health".to_owned()), "GET", 200, Duration::ZERO);
        assert!(!exposed(&other).contains("/health"));
        assert!(exposed(&one.clone()).contains("/health"));
    }
}
