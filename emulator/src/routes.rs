//! Finds the operation a method and path name, from the description's path templates.

use chargebee_description::{Api, ApiBase, HttpMethod, Operation, PathSegment};

/// Every operation's path, split into segments, for matching.
pub struct Routes {
    table: Vec<(usize, Vec<Segment>)>,
}

enum Segment {
    Literal(String),
    Param,
}

/// A matched operation and the value of its path parameter.
pub struct Route<'a> {
    pub op: &'a Operation,
    pub id: Option<String>,
}

impl Routes {
    /// The table for `api`. Literal segments win over parameters, so `/customers/contacts`
    /// never reads as the customer `contacts` when both exist.
    pub fn new(api: &Api) -> Self {
        let mut table: Vec<(usize, Vec<Segment>)> = api
            .operations
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let segments = op
                    .path_segments()
                    .map(|segment| match segment {
                        PathSegment::Param(_) => Segment::Param,
                        PathSegment::Literal(s) => Segment::Literal(s.to_string()),
                    })
                    .collect();
                (i, segments)
            })
            .collect();
        table.sort_by_key(|(_, segments)| {
            segments
                .iter()
                .filter(|s| matches!(s, Segment::Param))
                .count()
        });
        Routes { table }
    }

    /// Whether some operation of `base` serves `path`, by whatever method.
    pub fn knows(&self, api: &Api, base: ApiBase, path: &str) -> bool {
        [HttpMethod::Get, HttpMethod::Post, HttpMethod::Delete]
            .into_iter()
            .any(|method| self.find(api, base, method, path).is_some())
    }

    /// The operation of `base` that serves `method` on `path` (below the API root).
    pub fn find<'a>(
        &self,
        api: &'a Api,
        base: ApiBase,
        method: HttpMethod,
        path: &str,
    ) -> Option<Route<'a>> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        for (i, segments) in &self.table {
            let op = &api.operations[*i];
            if op.base != base || op.method != method || segments.len() != parts.len() {
                continue;
            }
            let mut id = None;
            let matched = segments
                .iter()
                .zip(&parts)
                .all(|(segment, part)| match segment {
                    Segment::Literal(text) => text == part,
                    Segment::Param => {
                        id = Some(percent_decode(part));
                        !part.is_empty()
                    }
                });
            if matched {
                return Some(Route { op, id });
            }
        }
        None
    }
}

/// A path segment with `%XX` escapes decoded (left as sent when they are not UTF-8).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_string())
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn escapes_decode() {
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
