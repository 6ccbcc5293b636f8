"""Documents the reporting service renders: period reports (DOCX from the province's Word
template, XLSX, PDF), statutory forms and charts."""
