"""The bundled sample mirror: package data in the raw layout ``<owner>/<repo>/<ref>/<path>``.

Used by ``--sample``, on a first run without network, and by the snapshot tests, so the app
always has something real-shaped to show. ``goodnews-sample/goodnews/master`` mimics
``begood0513/goodnews`` page for page: a home ``README.md`` with one ``####`` section per
source family (大纪元, 新唐人, 希望之声, 看中国), category indexes ``indexes/<E|N|H|S…>.md``
(plus ``p1``, 热点推荐 and 热点新闻), 25 articles under ``pages/<dir>/<id>.md`` written in
each family's own template, ``quit/letter.md`` (CRLF) and a sibling repository
``goodnews-sample/basic`` reached through cross-repo relative links.

All text is invented (news of the fictional city 云溪市, dated 2024); only the markup and
the kinds of noise are copied from the real mirror, because that is what the parsers and
the cleaner must cope with: nav lines, promo blocks with bare-IP links, ads, hidden spans,
share/QR blocks, original-site URLs, tracker pixels, tag links in all three markups (tags
shared across articles), soft line breaks inside ``<p>``.

Deliberate edge cases: ``pages/nsc422/n14200030.md`` has more than 2,000 paragraphs;
``pages/nsc413/n14200066.md`` carries Rich/Textual markup, an ANSI escape, bidi and
zero-width characters and ``<script>`` in its title and body; ``pages/soh_gtxw/n4000201.md``
is in traditional characters; ``pages/p6/2000101.md`` has no dateline; the index
``indexes/E头条.md`` lists ``pages/nsc413/n14200099.md``, which does not exist (a 404).
``tests/test_sample.py`` checks all of this structurally.
"""
