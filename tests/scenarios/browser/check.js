/* check.js -- injected into a copy of report.html by report_browser.sh: measures, as Chromium
 * renders the page at 1024 px, every label and lifeline of the diagram and writes a verdict into
 * a pre element with the id "verdict" (read back with --dump-dom). A label must lie inside the drawing and, when
 * it says where it must fit (data-fit="x1 x2": an arrow's span, a box, a site), inside that; a
 * lifeline must be on the page; the page must not scroll sideways; the lifeline header must stay
 * at the top while the diagram scrolls. The latency-vs-load plots of UE population steps are
 * measured the same way: on the page, as wide as it, every label inside. */
(function () {
    var bad = [], labels = 0;
    var W = document.documentElement.clientWidth;
    var svgs = document.querySelectorAll('.diagram svg');
    function text(t) {
        var s = '';
        t.childNodes.forEach(function (c) { if (c.nodeType === 3) s += c.nodeValue; });
        return s;
    }
    if (document.documentElement.scrollWidth > W + 1) {
        bad.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + W);
        document.querySelectorAll('body *').forEach(function (e) {
            if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 && bad.length < 6)
                bad.push('  content wider than its box: <' + e.tagName.toLowerCase() + '> "' +
                         e.textContent.slice(0, 80) + '"');
        });
    }
    /* An SVG of the page (what: "diagram" or "plot"): a viewBox, on the page, every label inside
     * the drawing (also vertically, when tall is set) and inside the room data-fit gives it. */
    function measure(svg, what, tall) {
        var box = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
        if (!vb || vb.width === 0)
            bad.push('a ' + what + ' SVG without viewBox');
        if (box.left < -0.5 || box.right > W + 0.5)
            bad.push(what + ' off-page: ' + box.left + '..' + box.right + ' of ' + W);
        svg.querySelectorAll('text').forEach(function (t) {
            var b = t.getBBox(), fit = t.getAttribute('data-fit');
            labels++;
            if (b.x < vb.x - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 ||
                (tall && (b.y < vb.y - 0.5 || b.y + b.height > vb.y + vb.height + 0.5)))
                bad.push(what + ' label past the edge of the drawing: "' + text(t) + '"');
            if (fit) {
                var f = fit.split(' ').map(Number);
                if (b.x < f[0] - 1 || b.x + b.width > f[1] + 1)
                    bad.push(what + ' label spills out of ' + fit + ' (' + b.x.toFixed(1) +
                             '..' + (b.x + b.width).toFixed(1) + '): "' + text(t) + '"');
            }
        });
    }
    if (svgs.length < 2)
        bad.push('no diagram (header and body) drawn');
    svgs.forEach(function (svg) {
        measure(svg, 'diagram', false);
        svg.querySelectorAll('.lifeline').forEach(function (l) {
            var r = l.getBoundingClientRect();
            if (r.left < 0 || r.right > W)
                bad.push('lifeline off-page at ' + r.left.toFixed(1) + ' of ' + W);
        });
    });
    /* The latency-vs-load plots of UE population steps (report_load.c), as wide as the page. */
    var plots = document.querySelectorAll('.loadplot svg');
    plots.forEach(function (svg) {
        measure(svg, 'plot', true);
        if (svg.getBoundingClientRect().width < 0.9 * W - 80)
            bad.push('plot narrower than the page: ' + svg.getBoundingClientRect().width + ' px');
    });
    var head = document.querySelector('.dhead'), body = svgs[svgs.length - 1];
    if (head && body && body.getBoundingClientRect().height > window.innerHeight) {
        var top = body.getBoundingClientRect().top + window.scrollY;
        window.scrollTo(0, top + body.getBoundingClientRect().height / 2);
        var h = head.getBoundingClientRect().top;
        if (Math.abs(h) > 1)
            bad.push('the lifeline header is not at the top while scrolling: ' + h.toFixed(1));
        window.scrollTo(0, 0);
    }
    var v = document.createElement('pre');
    v.id = 'verdict';
    v.textContent = (bad.length ? 'BAD ' + bad.length + '\n' + bad.join('\n')
                                : 'GOOD ' + svgs.length + ' svgs, ' + plots.length + ' plots, ' +
                                      labels + ' labels') + '\nEND';
    document.body.appendChild(v);
})();
