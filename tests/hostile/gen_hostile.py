#!/usr/bin/python3
"""Writes the hostile corpus of issue #9 into a directory (never into the
source tree): one file per case, named CASE.EXT, plus secret.txt, a file
the XXE cases point at whose token must never show up in any output.

    gen_hostile.py OUTDIR

Zips are built by hand (raw local headers, central directory and end
record) so that every field can lie: sizes, methods, flags, offsets, names.
Each case's expected result lives in expected.tsv beside this script.
"""
import os
import struct
import sys
import zlib

SECRET_TOKEN = "NEWSDOC-SECRET-7f3a9c"
cases = {}


def case(name, ext, data):
    assert name not in cases, name
    if isinstance(data, str):
        data = data.encode("utf-8")
    cases[name] = (ext, data)


# ---------------------------------------------------------------- raw zip --
def deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class Entry:
    def __init__(self, name, data=b"", method=8, **kw):
        self.name = name.encode("utf-8") if isinstance(name, str) else name
        self.raw = data  # uncompressed, for CRC/size unless overridden
        self.method = method
        if method == 8:
            self.comp = deflate(data)
        else:
            self.comp = data
        self.crc = zlib.crc32(data)
        self.usize = len(data)
        self.csize = len(self.comp)
        self.flags = 0x800 if any(b >= 0x80 for b in self.name) else 0
        self.local_name = None  # a different name in the local header
        self.offset = None  # force the central directory's offset
        self.skip_local = False  # no local header/data written for it
        self.extra = b""  # extra field, in both headers
        for k, v in kw.items():
            setattr(self, k, v)


def local_header(e):
    name = e.local_name if e.local_name is not None else e.name
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, 0, 0x21,
                       e.crc & 0xFFFFFFFF, e.csize & 0xFFFFFFFF, e.usize & 0xFFFFFFFF,
                       len(name), len(e.extra)) + name + e.extra


def build_zip(entries, eocd_count=None, cd_offset_delta=0):
    out = bytearray()
    for e in entries:
        if e.skip_local:
            continue
        if e.offset is None:
            e.offset = len(out)
        out += local_header(e)
        out += e.comp
    cd_start = len(out)
    for e in entries:
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, e.flags, e.method, 0, 0x21,
                           e.crc & 0xFFFFFFFF, e.csize & 0xFFFFFFFF, e.usize & 0xFFFFFFFF,
                           len(e.name), len(e.extra), 0, 0, 0, 0o100644 << 16, e.offset & 0xFFFFFFFF)
        out += e.name + e.extra
    cd_size = len(out) - cd_start
    n = len(entries) if eocd_count is None else eocd_count
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n & 0xFFFF, n & 0xFFFF, cd_size,
                       (cd_start + cd_offset_delta) & 0xFFFFFFFF, 0)
    return bytes(out)


def zip_of(parts, **kw):
    """parts: list of (name, bytes) or Entry."""
    return build_zip([p if isinstance(p, Entry) else Entry(p[0], p[1], 0 if p[0] == "mimetype" else 8)
                      for p in parts], **kw)


# ------------------------------------------------------------------- EPUB --
CONTAINER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="{path}" media-type="application/oebps-package+xml"/>'
             '</rootfiles></container>')


def xhtml(body, head_extra="", doctype="<!DOCTYPE html>"):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + '\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            'lang="ar" xml:lang="ar" dir="rtl"><head><title>خبر</title>' + head_extra + '</head><body>'
            + body + '</body></html>')


NAV = xhtml('<nav epub:type="toc" id="toc"><ol><li><a href="ch1.xhtml">الفصل</a></li></ol></nav>')
CHAPTER = xhtml('<h1>عنوان الخبر</h1><p>قالت الحكومة إن الاجتماع سيعقد غداً.</p>')


def opf(manifest_extra="", spine=None, title="خبر عاجل", doctype="", items=None):
    items = items if items is not None else (
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/>')
    spine = spine if spine is not None else '<itemref idref="c1"/>'
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype +
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" '
            'xml:lang="ar" dir="rtl"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<dc:identifier id="uid">urn:uuid:8b0f6a9e-6c1a-4b8e-9d1e-2f3c4d5e6f70</dc:identifier>'
            '<dc:title>' + title + '</dc:title><dc:language>ar</dc:language>'
            '<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta></metadata>'
            '<manifest>' + items + manifest_extra + '</manifest><spine>' + spine + '</spine></package>')


def epub_parts(chapter=CHAPTER, opf_text=None, container=None, nav=NAV, extra=()):
    parts = [("mimetype", b"application/epub+zip"),
             ("META-INF/container.xml", (container or CONTAINER.format(path="OEBPS/content.opf")).encode()),
             ("OEBPS/content.opf", (opf_text or opf()).encode()),
             ("OEBPS/nav.xhtml", nav.encode()),
             ("OEBPS/ch1.xhtml", chapter if isinstance(chapter, bytes) else chapter.encode())]
    parts += list(extra)
    return parts


def epub(**kw):
    return zip_of(epub_parts(**kw))


# ------------------------------------------------------------------- DOCX --
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.document.main+xml"/>'
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.styles+xml"/>'
      '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.numbering+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')
REL_T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def doc_rels(extra=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rIdS" Type="' + REL_T + 'styles" Target="styles.xml"/>'
            '<Relationship Id="rIdN" Type="' + REL_T + 'numbering" Target="numbering.xml"/>'
            + extra + '</Relationships>')


def para(text, style=None, num=None, extra=""):
    ppr = ""
    if style or num:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + \
              (f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>' if num else "") + \
              "<w:bidi/></w:pPr>"
    return f'<w:p>{ppr}<w:r><w:rtl/><w:t xml:space="preserve">{text}</w:t></w:r>{extra}</w:p>'


def document(body, prolog=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog +
            f'<w:document {W}><w:body>' + body + '<w:sectPr/></w:body></w:document>')


def style(sid, name, based=None, extra=""):
    return (f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>' +
            (f'<w:basedOn w:val="{based}"/>' if based else "") + extra + '</w:style>')


STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          f'<w:styles {W}>' + style("Normal", "Normal") + style("Heading1", "heading 1", "Normal") +
          '</w:styles>')


def styles_of(body):
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + f'<w:styles {W}>' + body + '</w:styles>'


NUMBERING = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
             '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
             '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
DOC_BODY = para("عنوان الخبر", "Heading1") + para("قالت الحكومة إن الاجتماع سيعقد غداً.") + \
           para("البند الأول", num=1)


def docx_parts(doc=None, styles=STYLES, numbering=NUMBERING, rels_extra="", extra=(), ct=CT):
    parts = [("[Content_Types].xml", ct.encode()),
             ("_rels/.rels", RELS.encode()),
             ("word/document.xml", doc if isinstance(doc, bytes) else (doc or document(DOC_BODY)).encode()),
             ("word/_rels/document.xml.rels", doc_rels(rels_extra).encode()),
             ("word/styles.xml", styles if isinstance(styles, bytes) else styles.encode()),
             ("word/numbering.xml", numbering if isinstance(numbering, bytes) else numbering.encode())]
    return parts + list(extra)


def docx(**kw):
    return zip_of(docx_parts(**kw))


# ------------------------------------------------------------- the cases --
def gen(outdir, heavy=True):
    """heavy=False leaves out the cases that take seconds to build (bombs, 100 000 entries)."""
    cases.clear()
    secret = os.path.join(outdir, "secret.txt")
    with open(secret, "w") as f:
        f.write(SECRET_TOKEN + "\n")
    secret_url = "file://" + secret

    # Controls: the skeletons the hostile cases are built on are valid, so a
    # refusal below is about the hostile part.
    case("ctrl-epub", "epub", epub())
    case("ctrl-docx", "docx", docx())
    case("ctrl-html", "html", "<!DOCTYPE html><html lang=ar dir=rtl><head><meta charset=utf-8><title>خبر</title>"
         "</head><body><h1>عنوان</h1><p>نص الخبر.</p></body></html>")
    case("ctrl-markdown", "md", "# عنوان\n\nنص الخبر.\n\n- بند\n")
    case("ctrl-text", "txt", "عنوان الخبر\n\nقالت الحكومة إن الاجتماع سيعقد غداً.\n")
    case("ctrl-json", "json", '{"newsdoc":1,"meta":[["title","خبر"],["lang","ar"]],"media":[],"body":'
         '[{"type":"paragraph","children":[{"type":"text","text":"نص"}]}]}')
    case("empty", "bin", b"")

    # ---- XXE, entity expansion -------------------------------------------
    ent_file = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret_url}">]>'
    ent_http = '<!DOCTYPE html [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/xxe">]>'
    ent_param = (f'<!DOCTYPE html [<!ENTITY % p SYSTEM "{secret_url}"> '
                 '<!ENTITY % q SYSTEM "http://127.0.0.1:9/evil.dtd"> %p; %q;]>')
    ent_dtd = '<!DOCTYPE html SYSTEM "http://127.0.0.1:9/evil.dtd">'
    laughs = '<!DOCTYPE html [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + ']>'
    quad = '<!DOCTYPE html [<!ENTITY a "' + "QZ" * 25000 + '">]>'
    quad_body = "<p>" + "&a;" * 50000 + "</p>"

    html_pre = "<html><head><meta charset=utf-8><title>t</title></head><body>"
    case("html-xxe-file", "html", ent_file + html_pre + "<p>&xxe;</p></body></html>")
    case("html-xxe-http", "html", ent_http + html_pre + "<p>&xxe;</p></body></html>")
    case("html-xxe-param", "html", ent_param + html_pre + "<p>x</p></body></html>")
    case("html-external-dtd", "html", ent_dtd + html_pre + "<p>x</p></body></html>")
    case("html-billion-laughs", "html", laughs + html_pre + "<p>&lol9;</p></body></html>")
    case("html-quadratic", "html", quad + html_pre + quad_body + "</body></html>")

    for nm, dt, body in [("xxe-file", ent_file, "<p>&xxe;</p>"), ("xxe-http", ent_http, "<p>&xxe;</p>"),
                         ("xxe-param", ent_param, "<p>x</p>"), ("external-dtd", ent_dtd, "<p>x</p>"),
                         ("billion-laughs", laughs, "<p>&lol9;</p>"), ("quadratic", quad, quad_body)]:
        case("epub-" + nm, "epub", epub(chapter=xhtml(body, doctype=dt)))
    case("epub-xxe-opf", "epub", epub(opf_text=opf(title="&xxe;", doctype=ent_file.replace("html", "package"))))
    case("epub-xxe-container", "epub", epub(container=ent_file.replace("html", "container") +
                                            CONTAINER.format(path="OEBPS/content.opf").split("\n", 1)[1]))
    case("epub-laughs-opf", "epub", epub(opf_text=opf(title="&lol9;", doctype=laughs.replace("html", "package"))))

    wdt = lambda d: d.replace("html", "w:document")  # noqa: E731
    case("docx-xxe-file", "docx", docx(doc=document(para("&xxe;"), wdt(ent_file))))
    case("docx-xxe-http", "docx", docx(doc=document(para("&xxe;"), wdt(ent_http))))
    case("docx-xxe-param", "docx", docx(doc=document(para("x"), wdt(ent_param))))
    case("docx-external-dtd", "docx", docx(doc=document(para("x"), wdt(ent_dtd))))
    case("docx-doctype-plain", "docx", docx(doc=document(para("x"), "<!DOCTYPE w:document>")))
    case("docx-billion-laughs", "docx", docx(doc=document(para("&lol9;"), wdt(laughs))))
    case("docx-quadratic", "docx", docx(doc=document(para("&a;" * 50000), wdt(quad))))
    case("docx-xxe-styles", "docx", docx(styles=STYLES.replace("<w:styles", ent_file.replace("html", "w:styles") +
                                                                "<w:styles", 1)))
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ent_file.replace("html", "cp:coreProperties") +
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&xxe;</dc:title></cp:coreProperties>')
    rels_core = RELS.replace("</Relationships>", '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                             'package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                             '</Relationships>')
    parts = docx_parts(extra=[("docProps/core.xml", core.encode())])
    parts[1] = ("_rels/.rels", rels_core.encode())
    case("docx-xxe-core", "docx", zip_of(parts))

    # ---- zip bombs ------------------------------------------------------
    if heavy:
        # 1 GiB of zeros, deflated once and reused.
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = bytes(1 << 20)
        crc, pieces = 0, []
        for _ in range(1024):
            pieces.append(comp.compress(chunk))
            crc = zlib.crc32(chunk, crc)
        pieces.append(comp.flush())
        gib = b"".join(pieces)

        def bomb(name):
            return Entry(name, b"", 8, comp=gib, csize=len(gib), usize=1 << 30, crc=crc)

        p = epub_parts()
        p[4] = bomb("OEBPS/ch1.xhtml")
        case("epub-bomb-1gib", "epub", zip_of(p))
        p = docx_parts()
        p[2] = bomb("word/document.xml")
        case("docx-bomb-1gib", "docx", zip_of(p))

        # A lying declared size: 16 MiB of text declared as 100 bytes.
        big = (b"<p>" + b"a" * 1000 + b"</p>") * 16384
        lie_chapter = xhtml("").encode().replace(b"</body>", big + b"</body>")
        p = epub_parts()
        p[4] = Entry("OEBPS/ch1.xhtml", lie_chapter, 8, usize=100)
        case("epub-lying-size-small", "epub", zip_of(p))
        p = docx_parts()
        lie_doc = document("").encode().replace(b"<w:sectPr/>", (b'<w:p><w:r><w:t>' + b"a" * 1000 + b'</w:t></w:r></w:p>')
                                                * 16384 + b"<w:sectPr/>")
        p[2] = Entry("word/document.xml", lie_doc, 8, usize=100)
        case("docx-lying-size-small", "docx", zip_of(p))
        # ... and a small part declared as 4 GiB - 1 (a reader that trusts it
        # allocates 4 GiB).
        p = docx_parts()
        p[2] = Entry("word/document.xml", document(DOC_BODY).encode(), 8, usize=0xFFFFFFFF)
        case("docx-lying-size-huge", "docx", zip_of(p))
        p = epub_parts()
        p[4] = Entry("OEBPS/ch1.xhtml", CHAPTER.encode(), 8, usize=0xFFFFFFFF)
        case("epub-lying-size-huge", "epub", zip_of(p))

        # Overlapping entries (Fifield's construction): every file's data
        # quotes the next file's local header in a stored deflate block, then
        # runs into the same 100 MiB kernel, so N files expand to N x 100 MiB.
        def overlap_bomb(names, first_parts):
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            kraw_len = 100 << 20
            zeros = bytes(kraw_len)
            kernel = c.compress(zeros) + c.flush()
            kcrc = zlib.crc32(zeros)
            n = len(names)
            ents = [Entry(nm, b"", 8) for nm in names]
            # build from the last: entry i's stream = stored(LFH_{i+1}) + stream_{i+1}
            streams, plains_prefix = [None] * n, [b""] * n
            ents[-1].comp, ents[-1].csize, ents[-1].usize, ents[-1].crc = kernel, len(kernel), kraw_len, kcrc
            streams[-1] = kernel
            for i in range(n - 2, -1, -1):
                lfh = local_header(ents[i + 1])
                quoted = b"\x00" + struct.pack("<HH", len(lfh), len(lfh) ^ 0xFFFF) + lfh
                streams[i] = quoted + streams[i + 1]
                plains_prefix[i] = lfh + plains_prefix[i + 1]
                e = ents[i]
                e.comp, e.csize = streams[i], len(streams[i])
                e.usize = len(plains_prefix[i]) + kraw_len
                # CRC of prefix + 100 MiB zeros
                e.crc = zlib.crc32(zeros, zlib.crc32(plains_prefix[i]))
            # Lay out: first_parts normally, then the chain: LFH_0 + stream_0
            # (which contains all the later headers and the kernel).
            out_entries = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in first_parts]
            data = bytearray()
            for e in out_entries:
                e.offset = len(data)
                data += local_header(e) + e.comp
            base = len(data)
            data += local_header(ents[0])
            pos = len(data)
            off = base
            for i in range(n):
                ents[i].offset = off
                if i + 1 < n:
                    off = pos + 5  # the quoted header starts after the stored block header
                    pos = off + len(local_header(ents[i + 1]))
            data += streams[0]
            # central directory by hand
            all_e = out_entries + ents
            cd_start = len(data)
            for e in all_e:
                data += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, e.flags, e.method, 0, 0x21,
                                    e.crc & 0xFFFFFFFF, e.csize, e.usize, len(e.name), 0, 0, 0, 0, 0o100644 << 16,
                                    e.offset) + e.name
            data += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(all_e), len(all_e), len(data) - cd_start,
                                cd_start, 0)
            return bytes(data)

        chap_names = [f"OEBPS/ch{i}.xhtml" for i in range(1, 21)]
        ov_opf = opf(items='<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>' +
                     "".join(f'<item id="c{i}" href="ch{i}.xhtml" media-type="application/xhtml+xml"/>'
                             for i in range(1, 21)),
                     spine="".join(f'<itemref idref="c{i}"/>' for i in range(1, 21)))
        first = [(a, b) for a, b in epub_parts(opf_text=ov_opf)[:4]]
        case("epub-overlap-bomb", "epub", overlap_bomb(chap_names, first))
        first = [(a, b) for a, b in docx_parts()[:2]] + [docx_parts()[3]]
        case("docx-overlap-bomb", "docx", overlap_bomb(["word/document.xml", "word/styles.xml", "word/numbering.xml",
                                                        "word/settings.xml", "docProps/core.xml"], first))
        # Two central entries pointing at the same local header.
        p = epub_parts()
        ents = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in p]
        twin = Entry("OEBPS/ch1.xhtml", CHAPTER.encode(), 8)
        twin.name = b"OEBPS/nav.xhtml"
        twin.skip_local = True
        z = bytearray()
        for e in ents:
            e.offset = len(z)
            z += local_header(e) + e.comp
        twin.offset = ents[4].offset
        ents = [e for e in ents if e.name != b"OEBPS/nav.xhtml"] + [twin]
        case("epub-shared-local-header", "epub", build_zip_from(z, ents))

    # ---- names -------------------------------------------------------------
    def epub_extra(name, data=b"x"):
        return epub(extra=[(name, data)])

    case("epub-duplicate-name", "epub", zip_of(epub_parts() + [("OEBPS/ch1.xhtml", xhtml("<p>other</p>").encode())]))
    case("docx-duplicate-name", "docx", zip_of(docx_parts() + [("word/document.xml", document(para("other")).encode())]))
    case("epub-case-collision", "epub", epub_extra("OEBPS/CH1.XHTML"))
    case("docx-case-collision", "docx", zip_of(docx_parts() + [("Word/Document.xml", document(para("x")).encode())]))
    case("epub-traversal", "epub", epub_extra("../../../../tmp/newsdoc-evil.xhtml"))
    case("epub-traversal-inner", "epub", epub_extra("OEBPS/../../evil.xhtml"))
    case("docx-traversal", "docx", zip_of(docx_parts() + [("../evil.xml", b"<x/>")]))
    case("epub-absolute-name", "epub", epub_extra("/tmp/newsdoc-evil.xhtml"))
    case("epub-backslash-name", "epub", epub_extra("OEBPS\\..\\evil.xhtml"))
    case("epub-drive-letter", "epub", epub_extra("C:/evil.xhtml"))
    case("epub-control-char-name", "epub", epub_extra("OEBPS/ev\x01il.xhtml"))
    case("docx-newline-name", "docx", zip_of(docx_parts() + [("word/ev\nil.xml", b"<x/>")]))
    p = epub_parts()
    ents = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in p]
    ents[4].local_name = b"OEBPS/other.xhtml"  # local and central names differ
    case("epub-local-central-mismatch", "epub", build_zip(ents))

    # ---- encryption, methods --------------------------------------------
    p = epub_parts()
    ents = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in p]
    ents[4].flags |= 1
    ents[4].comp = bytes(12) + ents[4].comp  # a fake 12-byte encryption header
    ents[4].csize = len(ents[4].comp)
    case("epub-encrypted", "epub", build_zip(ents))
    p = docx_parts()
    ents = [Entry(a, b, 8) for a, b in p]
    ents[2].flags |= 1
    ents[2].comp = bytes(12) + ents[2].comp
    ents[2].csize = len(ents[2].comp)
    case("docx-encrypted", "docx", build_zip(ents))
    def aes(e):
        """WinZip AES-256 (method 99, extra 0x9901): salt, verifier, data, MAC."""
        e.method, e.flags = 99, e.flags | 1
        e.extra = struct.pack("<HHH2sBH", 0x9901, 7, 2, b"AE", 3, 8)
        e.comp = bytes((i * 37 + 11) & 0xFF for i in range(18)) + e.comp + bytes(10)
        e.csize, e.crc = len(e.comp), 0

    for label in ("unknown-method", "aes-method"):
        p = epub_parts()
        ents = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in p]
        if label == "aes-method":
            aes(ents[4])
        else:
            ents[4].method = 77
        case(f"epub-{label}", "epub", build_zip(ents))
        p = docx_parts()
        ents = [Entry(a, b, 8) for a, b in p]
        if label == "aes-method":
            aes(ents[2])
        else:
            ents[2].method = 77
        case(f"docx-{label}", "docx", build_zip(ents))

    # ---- truncated and corrupted ---------------------------------------
    good_e, good_d = epub(), docx()
    for frac in (10, 50, 90):
        case(f"epub-truncated-{frac}", "epub", good_e[:len(good_e) * frac // 100])
        case(f"docx-truncated-{frac}", "docx", good_d[:len(good_d) * frac // 100])
    case("epub-no-eocd", "epub", good_e[:-22])
    # flip bytes in the middle of the chapter's deflate data (CRC mismatch)
    p = epub_parts(chapter=xhtml("<p>" + "نص " * 2000 + "</p>"))
    ents = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in p]
    c = bytearray(ents[4].comp)
    for k in range(len(c) // 2, len(c) // 2 + 16):
        c[k] ^= 0x55
    ents[4].comp = bytes(c)
    case("epub-corrupt-deflate", "epub", build_zip(ents))
    p = docx_parts()
    ents = [Entry(a, b, 8) for a, b in p]
    ents[2].crc ^= 0xDEADBEEF
    case("docx-bad-crc", "docx", build_zip(ents))
    case("docx-eocd-count-lie", "docx", zip_of(docx_parts(), eocd_count=65535))
    case("docx-cd-offset-lie", "docx", zip_of(docx_parts(), cd_offset_delta=-7))
    case("epub-cd-offset-past-end", "epub", zip_of(epub_parts(), cd_offset_delta=1 << 20))

    # ---- 100 000 entries ----------------------------------------------------
    if heavy:
        many = [Entry(f"OEBPS/f{i:06d}.txt", b"", 0) for i in range(100000)]
        ents = [Entry(a, b, 0 if a == "mimetype" else 8) for a, b in epub_parts()] + many
        case("epub-100k-entries", "epub", build_zip(ents))
        many = [Entry(f"word/f{i:06d}.xml", b"", 0) for i in range(100000)]
        ents = [Entry(a, b, 8) for a, b in docx_parts()] + many
        case("docx-100k-entries", "docx", build_zip(ents))

    # ---- deep nesting, many attributes ---------------------------------
    case("html-deep-div", "html", html_pre + "<div>" * 100000 + "x" + "</div>" * 100000 + "</body></html>")
    case("html-deep-inline", "html", html_pre + "<p>" + "<b><i>" * 50000 + "x" + "</i></b>" * 50000 + "</p></body></html>")
    case("html-deep-list", "html", html_pre + "<ul><li>" * 50000 + "x" + "</li></ul>" * 50000 + "</body></html>")
    case("html-deep-blockquote-300", "html", html_pre + "<blockquote>" * 300 + "<p>x</p>" + "</blockquote>" * 300 +
         "</body></html>")
    case("html-deep-table", "html", html_pre + "<table><tr><td>" * 20000 + "x" + "</td></tr></table>" * 20000 +
         "</body></html>")
    attrs = " ".join(f'a{i}="v"' for i in range(50000))
    case("html-50k-attributes", "html", html_pre + f"<p {attrs}>x</p></body></html>")
    case("epub-50k-attributes", "epub", epub(chapter=xhtml(f"<p {attrs}>x</p>")))
    case("docx-50k-attributes", "docx", docx(doc=document(f'<w:p {attrs}><w:r><w:t>x</w:t></w:r></w:p>')))
    case("epub-deep-xhtml", "epub", epub(chapter=xhtml("<div>" * 5000 + "<p>x</p>" + "</div>" * 5000)))
    case("docx-deep-tables", "docx", docx(doc=document(
        "<w:tbl><w:tr><w:tc>" * 2000 + para("x") + "</w:tc></w:tr></w:tbl>" * 2000)))
    case("md-deep-blockquote", "md", ">" * 100000 + " x\n")
    case("md-deep-list", "md", "- " * 50000 + "x\n")
    case("md-deep-list-indented", "md", "".join(" " * (2 * i) + "- x\n" for i in range(1000)))
    case("md-deep-emphasis", "md", "*a **a " * 20000 + "b" + " a** a*" * 20000 + "\n")
    case("md-deep-brackets", "md", "[" * 50000 + "a" + "](b)" * 50000 + "\n")
    case("md-deep-links-images", "md", "![" * 30000 + "a" + "](b)" * 30000 + "\n")
    case("md-unclosed-brackets", "md", "[a" * 100000 + "\n")
    case("md-emph-closers", "md", "a_ " * 100000 + "\n")
    case("md-backticks", "md", "".join("`" * i + "a" for i in range(1, 1500)) + "\n")
    case("md-many-link-refs", "md", "".join(f"[x{i}]: /u{i}\n" for i in range(50000)) +
         "".join(f"[x{i}] " for i in range(50000)) + "\n")
    case("md-table-columns", "md", "|" + "a|" * 20000 + "\n|" + "-|" * 20000 + "\n|" + "b|" * 20000 + "\n")
    case("md-yaml-alias-bomb", "md", "---\n" + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" +
         "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10)) +
         "title: *a9\n---\n\n# x\n")
    case("md-yaml-deep", "md", "---\ntitle: " + "[" * 100000 + "]" * 100000 + "\n---\n\nx\n")

    # ---- invalid UTF-8 and UTF-16 ---------------------------------------
    bad8 = {
        "overlong-2": b"\xc0\x80", "overlong-2b": b"\xc1\xbf", "overlong-3": b"\xe0\x80\x80",
        "overlong-4": b"\xf0\x80\x80\x80", "surrogate-high": b"\xed\xa0\x80", "surrogate-low": b"\xed\xbf\xbf",
        "surrogate-pair-cesu": b"\xed\xa0\xbd\xed\xb8\x80", "above-10ffff": b"\xf4\x90\x80\x80",
        "f5-ff-bytes": b"\xf5\xf8\xfc\xfe\xff", "five-byte": b"\xf8\x88\x80\x80\x80",
        "six-byte": b"\xfc\x84\x80\x80\x80\x80", "lone-continuation": b"\x80\xbf\x80",
        "truncated-2": b"\xd8", "truncated-3": b"\xe2\x82", "truncated-4": b"\xf0\x9f\x98",
        "truncated-at-end": b"\xf0\x9f", "nul": b"\x00", "noncharacter": b"\xef\xbf\xbe\xef\xbf\xbf",
        "c0-c1-controls": bytes(range(1, 32)) + "\u0085\u008d\u009f".encode(),
        "bidi-overrides": "\u202e\u2066\u2069\u200f\u061c".encode(),
    }
    ar = "قالت الحكومة ".encode()
    for label, seq in bad8.items():
        case(f"text-utf8-{label}", "txt", ar + seq + ar + b"\n\n" + seq + b"\n" + ar + seq)
    allbad = b"".join(bad8.values())
    case("md-invalid-utf8", "md", b"# " + ar + allbad + b"\n\n" + allbad + b" *" + allbad + b"*\n")
    case("html-invalid-utf8", "html", b"<html><head><meta charset=utf-8></head><body><p title=\"" + allbad + b"\">" +
         ar + allbad + b"</p></body></html>")
    case("json-invalid-utf8", "json", b'{"newsdoc":1,"body":[{"type":"paragraph","children":[{"type":"text","text":"' +
         b"\xc0\x80\xed\xa0\x80\xff" + b'"}]}]}')
    case("json-lone-surrogate-escape", "json", '{"newsdoc":1,"body":[{"type":"paragraph","children":'
         '[{"type":"text","text":"a\\ud800b\\udc00c\\udfff\\ud800"}]}]}')
    case("json-control-chars", "json", '{"newsdoc":1,"meta":[["title","a\\u0001\\u001f\\ufffe"]],"body":'
         '[{"type":"paragraph","children":[{"type":"text","text":"x\\u0000y\\u0007\\u000bz\\uffff\\u0085"}]}]}')
    case("docx-invalid-utf8", "docx", docx(doc=document(para("x")).encode().replace(b">x<", b">" + allbad[:40] + b"<")))
    case("docx-surrogate-charref", "docx", docx(doc=document(para("a&#xD800;b"))))
    case("docx-nul-charref", "docx", docx(doc=document(para("a&#0;b"))))
    case("epub-invalid-utf8", "epub", epub(chapter=xhtml("<p>x</p>").encode().replace(b">x<", b">" + allbad[:40] + b"<")))
    u16 = {
        "le-lone-high": b"\xff\xfe" + "قال".encode("utf-16-le") + b"\x3d\xd8" + "x\n".encode("utf-16-le"),
        "le-lone-low": b"\xff\xfe" + "قال".encode("utf-16-le") + b"\x00\xdc" + "x\n".encode("utf-16-le"),
        "le-reversed-pair": b"\xff\xfe" + b"\x00\xde\x3d\xd8" + "x\n".encode("utf-16-le"),
        "le-high-at-end": b"\xff\xfe" + "قال".encode("utf-16-le") + b"\x3d\xd8",
        "le-odd-length": b"\xff\xfe" + "قال".encode("utf-16-le") + b"\x41",
        "le-two-highs": b"\xff\xfe" + b"\x3d\xd8\x3d\xd8\x00\xde" + "x".encode("utf-16-le"),
        "be-lone-high": b"\xfe\xff" + "قال".encode("utf-16-be") + b"\xd8\x3d" + "x\n".encode("utf-16-be"),
        "be-lone-low": b"\xfe\xff" + "قال".encode("utf-16-be") + b"\xdc\x00" + "x\n".encode("utf-16-be"),
        "be-odd-length": b"\xfe\xff" + "قال".encode("utf-16-be") + b"\x41",
        "bom-only": b"\xff\xfe",
        "nul-chars": b"\xff\xfe" + "a\0b\0".encode("utf-16-le"),
        "utf32-bom": b"\xff\xfe\x00\x00" + "قال".encode("utf-32-le"),
    }
    for label, data in u16.items():
        case(f"text-utf16-{label}", "txt", data)
    case("html-utf16-lone-surrogate", "html", b"\xff\xfe" + "<html><body><p>".encode("utf-16-le") + b"\x3d\xd8" +
         "x</p></body></html>".encode("utf-16-le"))
    case("docx-utf16-lone-surrogate", "docx", docx(doc=b"\xff\xfe" + document(para("QQ")).replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le").replace("QQ".encode("utf-16-le"), b"\x3d\xd8x\x00")))

    # ---- big flat inputs --------------------------------------------------
    case("text-huge-line", "txt", "كلمة " * 1000000)
    case("text-many-paragraphs", "txt", "سطر\n\n" * 100000)
    case("html-many-paragraphs", "html", html_pre + "<p>x</p>" * 100000 + "</body></html>")

    # ---- DOCX: style and numbering chains, dangerous references -----------
    case("docx-basedon-self", "docx", docx(styles=styles_of(style("Normal", "Normal") + style("A", "A", "A")),
                                           doc=document(para("x", "A"))))
    case("docx-basedon-loop", "docx", docx(styles=styles_of(style("A", "A", "B") + style("B", "B", "C") +
                                                            style("C", "C", "A")), doc=document(para("x", "A"))))
    case("docx-basedon-chain-1000", "docx", docx(styles=styles_of(
        style("S0", "S0") + "".join(style(f"S{i}", f"S{i}", f"S{i - 1}") for i in range(1, 1000))),
        doc=document(para("x", "S999"))))
    loop_num = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + f'<w:numbering {W}>'
                '<w:abstractNum w:abstractNumId="0"><w:numStyleLink w:val="ListA"/></w:abstractNum>'
                '<w:abstractNum w:abstractNumId="1"><w:styleLink w:val="ListA"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>')
    list_style = '<w:style w:type="numbering" w:styleId="ListA"><w:name w:val="ListA"/><w:pPr><w:numPr>' \
                 '<w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    case("docx-numbering-loop", "docx", docx(numbering=loop_num, styles=styles_of(style("Normal", "Normal") + list_style),
                                             doc=document(para("x", num=1))))
    self_num = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + f'<w:numbering {W}>'
                '<w:abstractNum w:abstractNumId="0"><w:numStyleLink w:val="ListA"/></w:abstractNum>'
                '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
    case("docx-numbering-self-link", "docx", docx(numbering=self_num, styles=styles_of(list_style),
                                                  doc=document(para("x", num=1))))
    case("docx-numbering-bad-refs", "docx", docx(doc=document(
        para("x", num=999999999) + '<w:p><w:pPr><w:numPr><w:ilvl w:val="2147483647"/><w:numId w:val="-1"/>'
        '</w:numPr></w:pPr><w:r><w:t>y</w:t></w:r></w:p>')))
    case("docx-huge-gridspan", "docx", docx(doc=document(
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2147483647"/></w:tcPr>' + para("x") +
        '</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/><w:gridSpan w:val="1000000"/></w:tcPr>' +
        para("y") + '</w:tc></w:tr></w:tbl>')))
    ext = ''.join(f'<Relationship Id="rX{i}" Type="{REL_T}{t}" Target="{u}" TargetMode="External"/>'
                  for i, (t, u) in enumerate([("aFChunk", secret_url), ("image", "http://127.0.0.1:9/a.png"),
                                              ("hyperlink", "javascript:alert(1)"), ("image", "file:///etc/passwd"),
                                              ("attachedTemplate", "http://127.0.0.1:9/t.dotx")]))
    ext += f'<Relationship Id="rI0" Type="{REL_T}image" Target="../../../../etc/passwd"/>'
    ext += f'<Relationship Id="rI1" Type="{REL_T}aFChunk" Target="/etc/passwd"/>'
    body = (para("a") + '<w:altChunk r:id="rX0"/><w:altChunk r:id="rI1"/>' +
            '<w:p><w:hyperlink r:id="rX2"><w:r><w:t>click</w:t></w:r></w:hyperlink></w:p>' +
            '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
            'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:blipFill><a:blip r:embed="rI0" r:link="rX1"/></pic:blipFill></pic:pic></a:graphicData>'
            '</a:graphic></wp:inline></w:drawing></w:r></w:p>' +
            '<w:p><w:r><w:pict><v:imagedata xmlns:v="urn:schemas-microsoft-com:vml" r:id="rX3"/></w:pict></w:r></w:p>')
    case("docx-external-targets", "docx", docx(doc=document(body), rels_extra=ext))

    # ---- EPUB: references out of the container, remote, self ---------------
    it = lambda i, h, mt="application/xhtml+xml": f'<item id="{i}" href="{h}" media-type="{mt}"/>'  # noqa: E731
    for label, href in [("outside", "../../../../etc/passwd"), ("absolute", "/etc/passwd"),
                        ("remote-http", "http://127.0.0.1:9/ch.xhtml"), ("file-url", "file:///etc/passwd"),
                        ("secret-file", secret_url), ("encoded-traversal", "%2e%2e/%2e%2e/etc/passwd")]:
        case(f"epub-spine-{label}", "epub", epub(opf_text=opf(manifest_extra=it("x", href),
                                                              spine='<itemref idref="c1"/><itemref idref="x"/>')))
    case("epub-manifest-remote-image", "epub", epub(
        opf_text=opf(manifest_extra=it("img", "http://127.0.0.1:9/a.png", "image/png") +
                     it("css", "file:///etc/passwd", "text/css")),
        chapter=xhtml('<p>x<img src="http://127.0.0.1:9/a.png" alt="a"/><img src="file:///etc/passwd" alt="b"/>'
                      '<img src="../../../../etc/passwd" alt="c"/></p>',
                      head_extra='<link rel="stylesheet" href="file:///etc/passwd"/>')))
    case("epub-container-self", "epub", epub(container=CONTAINER.format(path="META-INF/container.xml")))
    case("epub-container-outside", "epub", epub(container=CONTAINER.format(path="../content.opf")))
    case("epub-container-remote", "epub", epub(container=CONTAINER.format(path="http://127.0.0.1:9/content.opf")))
    case("epub-opf-spine-self", "epub", epub(opf_text=opf(manifest_extra=it("me", "content.opf",
                                                                             "application/oebps-package+xml"),
                                                          spine='<itemref idref="me"/><itemref idref="c1"/>')))
    case("epub-itemrefs-20000", "epub", epub(opf_text=opf(spine='<itemref idref="c1"/>' * 20000)))
    big_chap = xhtml("".join("<p>" + "كلمة " * 200 + "</p>" for _ in range(200)))
    case("epub-itemref-repeat-amplify", "epub", epub(chapter=big_chap, opf_text=opf(spine='<itemref idref="c1"/>' * 9000)))
    case("epub-missing-container", "epub", zip_of([p for p in epub_parts() if p[0] != "META-INF/container.xml"]))

    # ---- HTML and Markdown: links and resources that must stay dead -----------
    case("html-dangerous-links", "html", html_pre + '<p><a href="javascript:alert(1)">a</a> '
         '<a href="JaVaScRiPt:alert(2)">b</a> <a href=" javascript:alert(3)">c</a> <a href="file:///etc/passwd">d</a> '
         '<a href="java&#x09;script:alert(4)">e</a> <a href="vbscript:x">f</a> <a href="data:text/html,<script>x</script>">g</a>'
         '<img src="http://127.0.0.1:9/a.png"><img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>'
         '<object data="http://127.0.0.1:9/x"></object><link rel=stylesheet href="http://127.0.0.1:9/a.css">'
         '<script src="http://127.0.0.1:9/x.js"></script><script>alert(5)</script></p></body></html>')
    case("md-dangerous-links", "md", "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) [c](file:///etc/passwd) "
         "<javascript:alert(3)> ![i](http://127.0.0.1:9/a.png) ![j](file:///etc/passwd)\n\n"
         "<script>alert(4)</script>\n\n[r]: javascript:alert(5)\n\n[r]\n")
    case("json-dangerous-links", "json", '{"newsdoc":1,"body":[{"type":"paragraph","children":['
         '{"type":"link","url":"javascript:alert(1)","children":[{"type":"text","text":"a"}]},'
         '{"type":"link","url":" JavaScript:alert(2)","children":[{"type":"text","text":"b"}]},'
         '{"type":"link","url":"file:///etc/passwd","children":[{"type":"text","text":"c"}]},'
         '{"type":"image","url":"file:///etc/passwd"}]}]}')
    case("html-charset-unknown", "html", b"<html><head><meta charset=x-no-such-charset></head><body><p>\xe1\xe4\xd3"
         b"</p></body></html>")
    case("html-huge-colspan", "html", html_pre + '<table><tr><td colspan=2147483647 rowspan=65535>x</td></tr>'
         '<tr><td colspan=-5 rowspan=0>y</td></tr></table></body></html>')

    # ---- JSON -------------------------------------------------------------
    case("json-deep-arrays", "json", '{"newsdoc":1,"x":' + "[" * 100000 + "]" * 100000 + "}")
    case("json-deep-objects", "json", '{"newsdoc":1,"x":' + '{"a":' * 100000 + "1" + "}" * 100000 + "}")
    deep = '{"type":"blockquote","children":[' * 400 + '{"type":"paragraph"}' + "]}" * 400
    case("json-deep-nodes", "json", '{"newsdoc":1,"body":[' + deep + "]}")
    case("json-huge-numbers", "json", '{"newsdoc":1,"body":[{"type":"section","level":1e999999,"children":'
         '[{"type":"heading"}]}]}')
    case("json-huge-int", "json", '{"newsdoc":1,"body":[{"type":"list","start":99999999999999999999999,'
         '"children":[]}]}')
    case("json-long-number", "json", '{"newsdoc":1,"x":' + "9" * 100000 + "}")
    case("json-huge-version", "json", '{"newsdoc":1e400,"body":[]}')
    case("json-negative-span", "json", '{"newsdoc":1,"body":[{"type":"table","children":[{"type":"table_row",'
         '"children":[{"type":"table_cell","colspan":-2147483648,"rowspan":0}]}]}]}')
    for label, b64 in [("bad-chars", "!!!!"), ("bad-padding", "QQ="), ("one-char", "Q"), ("inner-padding", "QQ==QQ=="),
                       ("non-ascii", "ضضضض"), ("nul", "QU\\u0000FB")]:
        case(f"json-base64-{label}", "json", '{"newsdoc":1,"media":[{"name":"a.png","mime":"image/png","data":"'
             + b64 + '"}],"body":[]}')
    case("json-unknown-type", "json", '{"newsdoc":1,"body":[{"type":"script","text":"alert(1)"}]}')
    case("json-type-not-string", "json", '{"newsdoc":1,"body":[{"type":5}]}')
    case("json-body-type", "json", '{"newsdoc":1,"body":[{"type":"body"}]}')
    case("json-wrong-parent", "json", '{"newsdoc":1,"body":[{"type":"text","text":"x"}]}')
    case("json-media-traversal-name", "json", '{"newsdoc":1,"media":[{"name":"../../../etc/passwd","mime":"image/png",'
         '"data":"iVBORw0KGgo="}],"body":[{"type":"paragraph","children":[{"type":"image","url":"media:../../../etc/passwd"}]}]}')
    case("json-truncated", "json", '{"newsdoc":1,"body":[{"type":"paragraph","children":[{"type":"te')
    case("json-trailing-garbage", "json", '{"newsdoc":1,"body":[]} {"x":1}')
    case("json-many-aligns", "json", '{"newsdoc":1,"body":[{"type":"table","aligns":[' +
         ",".join(['"start"'] * 10000) + ']}]}')

    # ---- write -------------------------------------------------------------
    for name, (ext, data) in sorted(cases.items()):
        with open(os.path.join(outdir, f"{name}.{ext}"), "wb") as f:
            f.write(data)
    return len(cases)


def build_zip_from(prefix, ents):
    """A central directory and end record after already laid-out data."""
    out = bytearray(prefix)
    cd_start = len(out)
    for e in ents:
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, e.flags, e.method, 0, 0x21,
                           e.crc & 0xFFFFFFFF, e.csize, e.usize, len(e.name), 0, 0, 0, 0, 0o100644 << 16,
                           e.offset) + e.name
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(ents), len(ents), len(out) - cd_start, cd_start, 0)
    return bytes(out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_hostile.py OUTDIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    n = gen(os.path.abspath(sys.argv[1]))
    print(f"gen_hostile: {n} cases written to {sys.argv[1]}")
