//! Why an input could not be read as a report.
//!
//! Policy: a reader returns `Err(ReadError)` only when it cannot produce a report at all (the
//! bytes are not text, the file is empty or too large, a PDF has no text layer, …). Everything a
//! reader can still read but finds wrong (a label variant, a truncated table, an ambiguous split)
//! is a [`gongkai_domain::report::Finding`] in `Report::reader_findings` instead. Messages are in
//! Chinese because they are shown to clerks as they are; the CLI maps every variant to exit 2.

use gongkai_domain::report::json::JsonReportError;

/// An input could not be read as an annual report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file holds nothing (or only whitespace).
    #[error("文件为空：没有可读取的内容")]
    Empty,
    /// The bytes are not text in any supported encoding (binary junk, an image, an archive …).
    #[error("不是文本文件：内容含有大量二进制字节（{detail}），无法作为年度报告读取")]
    Binary {
        /// What gave it away, e.g. "第 17 字节为 NUL".
        detail: String,
    },
    /// The text was read but holds no recognisable part of an annual report.
    #[error("未识别出政府信息公开工作年度报告：{detail}")]
    NotAReport {
        /// What was looked for.
        detail: String,
    },
    /// The file could not be read from disk.
    #[error("无法读取文件“{path}”：{source}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than the readers accept.
    #[error("文件过大：{size} 字节，超过上限 {limit} 字节（年度报告通常不超过几兆字节，请确认是否选错了文件）")]
    TooLarge {
        /// The input's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The text is not valid in its (declared or detected) encoding.
    #[error("文字编码无法识别：{detail}（请另存为 UTF-8 或 GB18030 编码后重试）")]
    Encoding {
        /// What went wrong.
        detail: String,
    },
    /// A PDF with no text layer (a scan).
    #[error("PDF 文件没有文字层（可能是扫描件或图片），无法读取其中的文字和表格：请使用带文字层的原始 PDF，或安装文字识别（OCR）工具 tesseract（Debian/Ubuntu：apt-get install tesseract-ocr tesseract-ocr-chi-sim）后再检查")]
    PdfNoTextLayer,
    /// `pdftotext` is not installed.
    #[error("读取 PDF 需要 pdftotext 工具，但系统中未找到：请安装 poppler-utils（Debian/Ubuntu：apt-get install poppler-utils）")]
    PdftotextMissing,
    /// An image or a scanned PDF that OCR could not read (tesseract missing, a failure).
    #[error("{detail}")]
    Ocr {
        /// What happened and what to do, in Chinese.
        detail: String,
    },
    /// A password-protected PDF.
    #[error("PDF 文件已加密（设有密码），无法读取：请提供未加密的文件")]
    PdfEncrypted,
    /// A PDF that cannot be parsed.
    #[error("PDF 文件已损坏或格式不正确：{detail}")]
    PdfCorrupt {
        /// What went wrong (e.g. pdftotext's message).
        detail: String,
    },
    /// A password-protected Word document.
    #[error("Word 文档已加密（设有密码），无法读取：请在 Word 或 WPS 中打开并输入密码，然后另存为未加密的 .docx（取消“用密码进行加密”）后再检查")]
    DocxEncrypted,
    /// A Word document that cannot be parsed.
    #[error("Word 文档（DOCX）已损坏或格式不正确：{detail}")]
    DocxCorrupt {
        /// What went wrong.
        detail: String,
    },
    /// An HTML page that cannot be read (other than its encoding).
    #[error("网页（HTML）无法读取：{detail}")]
    Html {
        /// What went wrong.
        detail: String,
    },
    /// A JSON document that is not a report in gongkai's JSON contract.
    #[error("{0}")]
    Json(#[from] JsonReportError),
    /// An Excel workbook (`.xlsx`) that cannot be read.
    #[error("Excel 工作簿（XLSX）已损坏或格式不正确：{detail}")]
    XlsxCorrupt {
        /// What went wrong.
        detail: String,
    },
    /// A flavour this build cannot read (yet), e.g. a legacy `.doc`.
    #[error("暂不支持读取{flavour}：{hint}")]
    Unsupported {
        /// The flavour, in Chinese (e.g. "旧版 Word 文档（.doc）").
        flavour: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
}
