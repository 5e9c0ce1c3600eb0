//! What the URLs in answers lead to: an invoice's PDF, a hosted checkout page's form
//! (`checkout`) and a portal page (`portal`). They need no key, as a link sent to a customer
//! needs none.

use crate::checkout;
use crate::portal;
use crate::store::Store;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The page at `path`, or `None` when `path` is not one of these URLs.
pub fn serve(store: &mut Store, path: &str, now: i64) -> Option<Response> {
    let mut parts = path.trim_start_matches('/').split('/');
    let response = match (parts.next()?, parts.next(), parts.next(), parts.next()) {
        ("downloads", Some("invoices"), Some(file), None) => {
            let id = file.strip_suffix(".pdf")?;
            match store.get("invoice", id) {
                Some(invoice) => {
                    let total = invoice.get("total").and_then(Value::as_i64).unwrap_or(0);
                    let currency = invoice
                        .get("currency_code")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let pdf =
                        one_line_pdf(&format!("Invoice {id}: {total} {currency} (minor units)"));
                    with_type("application/pdf", pdf)
                }
                None => missing(),
            }
        }
        ("hosted_pages", Some(id), Some("checkout"), None) => match store.get("hosted_page", id) {
            Some(page) => checkout::form(&page, None),
            None => missing(),
        },
        ("portal", Some(token), None, None) => return portal::open(store, token, now),
        _ => return None,
    };
    Some(response)
}

fn missing() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn with_type(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// `text` escaped for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An HTML page titled `title` (escaped here) around `body` (HTML as given).
pub fn document(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title></head><body><h1>{0}</h1>{body}</body></html>",
        escape(title),
    );
    let mut response = with_type("text/html; charset=utf-8", page.into_bytes());
    *response.status_mut() = status;
    response
}

/// A one-page PDF showing `line` (ASCII; other characters become `?`).
fn one_line_pdf(line: &str) -> Vec<u8> {
    let text: String = line
        .chars()
        .map(|c| match c {
            '(' | ')' | '\\' => '?',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '?',
        })
        .collect();
    let stream = format!("BT /F1 14 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
