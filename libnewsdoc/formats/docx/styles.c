/* styles.c - word/styles.xml for the writer: Word's built-in styles by
 * the names and IDs Word itself writes ("heading 1" is Heading1, "List
 * Paragraph" is ListParagraph, "caption" is Caption, ...), plus pandoc's
 * Author/Date/"Body Text"/"First Paragraph"/"Source Code"/"Verbatim Char",
 * which pandoc, Word and LibreOffice all recognise. */
#include "docx.h"

static void para_style(nd_buf *b, const char *id, const char *name, const char *based, const char *next, int prio,
                       int qformat, const char *ppr, const char *rpr) {
  nd_buf_printf(b, "<w:style w:type=\"paragraph\" w:styleId=\"%s\"><w:name w:val=\"%s\"/>", id, name);
  if (based) nd_buf_printf(b, "<w:basedOn w:val=\"%s\"/>", based);
  if (next) nd_buf_printf(b, "<w:next w:val=\"%s\"/>", next);
  if (prio >= 0) nd_buf_printf(b, "<w:uiPriority w:val=\"%d\"/>", prio);
  if (qformat) nd_buf_puts(b, "<w:qFormat/>");
  if (ppr && *ppr) nd_buf_printf(b, "<w:pPr>%s</w:pPr>", ppr);
  if (rpr && *rpr) nd_buf_printf(b, "<w:rPr>%s</w:rPr>", rpr);
  nd_buf_puts(b, "</w:style>");
}

void nd_docx_styles(nd_buf *b, const char *lang_val, const char *lang_bidi, int rtl) {
  (void)rtl;
  nd_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"" ND_NS_W "\">"
                 "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:eastAsia=\"Calibri\" "
                 "w:hAnsi=\"Calibri\" w:cs=\"Arial\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
  if (lang_val) {
    nd_buf_puts(b, "<w:lang w:val=\"");
    nd_xml_escape_attr(b, lang_val, strlen(lang_val));
    nd_buf_puts(b, "\" w:eastAsia=\"en-US\"");
    if (lang_bidi) {
      nd_buf_puts(b, " w:bidi=\"");
      nd_xml_escape_attr(b, lang_bidi, strlen(lang_bidi));
      nd_buf_puts(b, "\"");
    }
    nd_buf_puts(b, "/>");
  }
  nd_buf_puts(b, "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"160\" w:line=\"259\" "
                 "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>");
  /* the defaults Word always has */
  nd_buf_puts(b, "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
                 "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/>"
                 "<w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"
                 "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
                 "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
                 "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/>"
                 "<w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
                 "<w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\"><w:name w:val=\"No List\"/>"
                 "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>");
  /* headings: Word's names, outline levels for the navigation pane and TOC */
  static const int SIZES[] = {32, 28, 26, 24, 24, 22};
  static const char *const COLORS[] = {"2F5496", "2F5496", "1F3763", "2F5496", "2F5496", "1F3763"};
  for (int l = 1; l <= 6; l++) {
    char id[16], name[16], ppr[256], rpr[256];
    snprintf(id, sizeof id, "Heading%d", l);
    snprintf(name, sizeof name, "heading %d", l);
    snprintf(ppr, sizeof ppr, "<w:keepNext/><w:keepLines/><w:spacing w:before=\"%d\" w:after=\"80\"/><w:outlineLvl w:val=\"%d\"/>",
             l == 1 ? 360 : 240, l - 1);
    snprintf(rpr, sizeof rpr, "<w:b/><w:bCs/>%s<w:color w:val=\"%s\"/><w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>",
             l >= 4 ? "<w:i/><w:iCs/>" : "", COLORS[l - 1], SIZES[l - 1], SIZES[l - 1]);
    para_style(b, id, name, "Normal", "BodyText", 9, 1, ppr, rpr);
  }
  para_style(b, "Title", "Title", "Normal", "BodyText", 10, 1,
             "<w:keepNext/><w:keepLines/><w:spacing w:before=\"480\" w:after=\"240\"/><w:contextualSpacing/>",
             "<w:b/><w:bCs/><w:kern w:val=\"28\"/><w:sz w:val=\"48\"/><w:szCs w:val=\"48\"/>");
  para_style(b, "Subtitle", "Subtitle", "Normal", "BodyText", 11, 1,
             "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"240\"/>",
             "<w:color w:val=\"5A5A5A\"/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/>");
  para_style(b, "Author", "Author", "Normal", "BodyText", -1, 0, "<w:keepNext/><w:keepLines/>", "<w:i/><w:iCs/>");
  para_style(b, "Date", "Date", "Normal", "BodyText", 99, 0, "<w:keepNext/><w:keepLines/>", NULL);
  para_style(b, "BodyText", "Body Text", "Normal", NULL, 99, 1, "<w:spacing w:before=\"180\" w:after=\"180\"/>", NULL);
  para_style(b, "FirstParagraph", "First Paragraph", "BodyText", "BodyText", -1, 1, NULL, NULL);
  para_style(b, "Compact", "Compact", "BodyText", NULL, -1, 1, "<w:spacing w:before=\"36\" w:after=\"36\"/>", NULL);
  para_style(b, "Quote", "Quote", "Normal", "BodyText", 29, 1,
             "<w:spacing w:before=\"120\" w:after=\"120\"/><w:ind w:left=\"864\" w:right=\"864\"/>",
             "<w:i/><w:iCs/><w:color w:val=\"404040\"/>");
  para_style(b, "ListParagraph", "List Paragraph", "Normal", NULL, 34, 1,
             "<w:ind w:left=\"720\"/><w:contextualSpacing/>", NULL);
  para_style(b, "Caption", "caption", "Normal", "Normal", 35, 1, "<w:spacing w:after=\"200\"/>",
             "<w:i/><w:iCs/><w:color w:val=\"44546A\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>");
  para_style(b, "CaptionedFigure", "Captioned Figure", "Normal", "Caption", -1, 0, "<w:keepNext/>", NULL);
  para_style(b, "SourceCode", "Source Code", "Normal", NULL, -1, 0, "<w:wordWrap w:val=\"off\"/><w:spacing w:after=\"0\"/>",
             "<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Courier New\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
  para_style(b, "FootnoteText", "footnote text", "Normal", NULL, 99, 0, "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
             "<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
  nd_buf_puts(b, "<w:style w:type=\"character\" w:styleId=\"FootnoteReference\"><w:name w:val=\"footnote reference\"/>"
                 "<w:basedOn w:val=\"DefaultParagraphFont\"/><w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/>"
                 "<w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>"
                 "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/>"
                 "<w:basedOn w:val=\"DefaultParagraphFont\"/><w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/>"
                 "<w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr></w:style>"
                 "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"VerbatimChar\"><w:name w:val=\"Verbatim Char\"/>"
                 "<w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr><w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" "
                 "w:cs=\"Courier New\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>"
                 "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/>"
                 "<w:uiPriority w:val=\"39\"/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>"
                 "<w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
                 "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:bottom w:val=\"single\" w:sz=\"4\" "
                 "w:space=\"0\" w:color=\"auto\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
                 "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideV w:val=\"single\" "
                 "w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders></w:tblPr>"
                 "<w:tblStylePr w:type=\"firstRow\"><w:rPr><w:b/><w:bCs/></w:rPr></w:tblStylePr></w:style>"
                 "</w:styles>");
}
