//! Renderers: a `Report` out as txt, md, html, docx, xlsx or json.
