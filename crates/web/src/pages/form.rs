//! What the console's forms share: the problems found in a submitted form, each named at its
//! field in Chinese, for the form to be shown again with them (nothing saved).

/// The problems of a submitted form, by field name.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    errors: Vec<(&'static str, String)>,
    /// A problem of the whole form (shown above it).
    pub form: String,
}

impl FieldErrors {
    /// Notes a problem at `field`; the first one of a field is kept.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if !self.errors.iter().any(|(f, _)| *f == field) {
            self.errors.push((field, message.into()));
        }
    }

    /// The problem at `field` ("" when none; templates show it when not empty).
    pub fn get(&self, field: &str) -> &str {
        self.errors.iter().find(|(f, _)| *f == field).map_or("", |(_, m)| m.as_str())
    }

    /// A form whose one problem is not at a field (a rule of the records refused it).
    pub fn whole(message: impl Into<String>) -> FieldErrors {
        FieldErrors { errors: Vec::new(), form: message.into() }
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.form.is_empty()
    }

    /// Every problem, in the order found.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.errors.iter().map(|(_, m)| m.as_str()).chain((!self.form.is_empty()).then_some(self.form.as_str()))
    }
}

/// A required text of at most `max` characters, trimmed.
pub fn required(errors: &mut FieldErrors, field: &'static str, label: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("请填写{label}"));
    } else if v.chars().count() > max {
        errors.add(field, format!("{label}不能超过 {max} 个字"));
    } else {
        control(errors, field, label, v);
    }
    v.to_string()
}

/// A control character (a NUL, an escape) pasted into a field is named there: PostgreSQL refuses
/// a NUL in text, and no record should carry one. Line breaks and tabs are text.
fn control(errors: &mut FieldErrors, field: &'static str, label: &str, v: &str) {
    if let Err(m) = gongkai_app::limits::check_text(v, gongkai_app::limits::TextKind::Multiline, usize::MAX) {
        errors.add(field, format!("{label}{m}"));
    }
}

/// An optional text of at most `max` characters, trimmed.
pub fn optional(errors: &mut FieldErrors, field: &'static str, label: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        errors.add(field, format!("{label}不能超过 {max} 个字"));
    } else {
        control(errors, field, label, v);
    }
    v.to_string()
}

/// A date `YYYY-MM-DD` (the date input's format; the office spellings 2025年1月20日 and 2025/1/20
/// are read too).
pub fn date(errors: &mut FieldErrors, field: &'static str, label: &str, value: &str, required: bool) -> Option<chrono::NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.add(field, format!("请填写{label}"));
        }
        return None;
    }
    let d = gongkai_app::ledger::parse_date(v);
    if d.is_none() {
        errors.add(field, format!("{label}“{v}”不是有效日期（应为 2025-06-03 这样的格式）"));
    }
    d
}
