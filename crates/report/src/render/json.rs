//! JSON: `{"reports": [report_json(report, findings)]}`, pretty-printed — the stable contract of
//! `gongkai_domain::report::json`, which `read::read_bytes` reads back.

use gongkai_domain::report::json::report_json;
use gongkai_domain::report::{Finding, Report};

use super::RenderError;

/// The report and its findings in the JSON contract, pretty-printed, with a final newline.
pub fn render(report: &Report, findings: &[Finding]) -> Result<Vec<u8>, RenderError> {
    let doc = serde_json::json!({ "reports": [report_json(report, findings)] });
    let mut out = serde_json::to_vec_pretty(&doc).map_err(|e| RenderError::Json(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}
