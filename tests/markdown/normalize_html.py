"""normalize_html.py - normalise an HTML fragment before comparing it, the way
commonmark-spec's test/normalize.py does (written again here with
html.parser; not copied):

- whitespace runs outside <pre> collapse to one space;
- whitespace next to block-level tags is dropped;
- attributes are sorted; href and src are percent-normalised (unquote, then
  quote with the characters CommonMark renderers leave alone kept), which is
  what normalize.py meant to do (its check compares the value, not the name,
  so it never fires);
- character references are resolved, except the five XML specials, which
  are written as &lt; &gt; &amp; &quot;;
- a self-closing tag is the same as a start tag (<br /> == <br>).
"""
import html
import re
import urllib.parse
from html.entities import name2codepoint
from html.parser import HTMLParser

BLOCK_TAGS = {
    'article', 'header', 'aside', 'hgroup', 'blockquote', 'hr', 'iframe', 'body', 'li', 'map', 'button',
    'object', 'canvas', 'ol', 'caption', 'output', 'col', 'p', 'colgroup', 'pre', 'dd', 'progress',
    'section', 'dir', 'table', 'dl', 'tbody', 'dt', 'td', 'div', 'tfoot', 'fieldset', 'th', 'figcaption',
    'tr', 'figure', 'thead', 'footer', 'form', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'video', 'script',
    'style'}
WHITESPACE = re.compile(r'\s+')
URL_SAFE = "/:?#[]@!$&'()*+,;=-._~%"


def _norm_url(v):
    return urllib.parse.quote(urllib.parse.unquote(v), safe=URL_SAFE)


class _Normaliser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.last = 'starttag'
        self.in_pre = False
        self.out = []
        self.last_tag = ''

    def _rstrip(self):
        while self.out:
            s = self.out[-1].rstrip()
            if s:
                self.out[-1] = s
                return
            self.out.pop()

    def handle_data(self, data):
        after_tag = self.last in ('endtag', 'starttag')
        after_block = after_tag and self.last_tag in BLOCK_TAGS
        if after_tag and self.last_tag == 'br':
            data = data.lstrip('\n')
        if not self.in_pre:
            data = WHITESPACE.sub(' ', data)
        if after_block and not self.in_pre:
            data = data.lstrip() if self.last == 'starttag' else data.strip()
        self.out.append(data)
        self.last = 'data'

    def handle_endtag(self, tag):
        if tag == 'pre':
            self.in_pre = False
        elif tag in BLOCK_TAGS:
            self._rstrip()
        self.out.append('</%s>' % tag)
        self.last_tag = tag
        self.last = 'endtag'

    def handle_starttag(self, tag, attrs):
        if tag == 'pre':
            self.in_pre = True
        if tag in BLOCK_TAGS:
            self._rstrip()
        s = '<' + tag
        for k, v in sorted(attrs, key=lambda a: (a[0], a[1] or '')):
            s += ' ' + k
            if v is None:
                continue
            if k in ('href', 'src'):
                v = _norm_url(v)
            s += '="' + html.escape(v, quote=True).replace('&#x27;', "'") + '"'
        self.out.append(s + '>')
        self.last_tag = tag
        self.last = 'starttag'

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.last_tag = tag
        self.last = 'endtag'

    def handle_comment(self, data):
        self.out.append('<!--' + data + '-->')
        self.last = 'comment'

    def handle_decl(self, data):
        self.out.append('<!' + data + '>')
        self.last = 'decl'

    def unknown_decl(self, data):
        self.out.append('<!' + data + '>')
        self.last = 'decl'

    def handle_pi(self, data):
        self.out.append('<?' + data + '>')
        self.last = 'pi'

    def _char(self, c, fallback):
        self.out.append({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;'}.get(c, c) if c else fallback)
        self.last = 'ref'

    def handle_entityref(self, name):
        cp = name2codepoint.get(name)
        self._char(chr(cp) if cp is not None else None, '&' + name + ';')

    def handle_charref(self, name):
        try:
            c = chr(int(name[1:], 16)) if name[:1] in ('x', 'X') else chr(int(name))
        except (ValueError, OverflowError):
            c = None
        self._char(c, '&#' + name + ';')


_CHUNK = re.compile(r'(<!\[CDATA\[.*?\]\]>|<[^>]*>|[^<]+)', re.S)


def normalize_html(text):
    p = _Normaliser()
    for m in _CHUNK.finditer(text):
        chunk = m.group(0)
        if chunk.startswith('<![CDATA'):
            p.out.append(chunk)
        else:
            p.feed(chunk)
    p.close()
    return ''.join(p.out)


if __name__ == '__main__':
    import sys
    sys.stdout.write(normalize_html(sys.stdin.read()))
