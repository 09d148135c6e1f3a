/* assets.c: the page's stylesheet and script, compiled into the binary:
 * nothing is ever read from the file system to answer /static/, so no
 * path can reach a file outside these.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "server.h"

static const char style_css[] =
    ":root{--fg:#1d2430;--muted:#5b6472;--line:#d9dee6;--accent:#0b5cad;"
    "--bg:#fff;--soft:#f4f6f9;--mark:#ffe58a}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\","
    "Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
    "a{color:var(--accent)}\n"
    "a:focus-visible,input:focus-visible,button:focus-visible,"
    "select:focus-visible,summary:focus-visible{outline:3px solid "
    "#f0a202;outline-offset:2px}\n"
    ".top{background:var(--soft);border-bottom:1px solid var(--line);"
    "padding:1rem}\n"
    ".top>*{max-width:72rem;margin:0 auto}\n"
    ".top h1{font-size:1.5rem;margin-bottom:.5rem}\n"
    ".top h1 a{color:inherit;text-decoration:none}\n"
    ".searchbar label{display:block;font-weight:600;margin-bottom:.25rem}\n"
    ".searchbar .row{display:flex;gap:.5rem}\n"
    ".searchbar input{flex:1;min-width:0;font:inherit;padding:.5rem .75rem;"
    "border:1px solid #8a94a3;border-radius:.375rem}\n"
    "button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.375rem;"
    "background:var(--accent);color:#fff;cursor:pointer}\n"
    ".page{max-width:72rem;margin:0 auto;padding:1rem;display:grid;"
    "grid-template-columns:17rem minmax(0,1fr);gap:2rem}\n"
    ".filters h2{font-size:1.1rem;margin:0 0 .5rem}\n"
    ".filters fieldset{border:0;border-top:1px solid var(--line);margin:0;"
    "padding:.75rem 0}\n"
    ".filters legend{font-weight:600;padding:0}\n"
    ".filters ul{list-style:none;margin:.25rem 0 0;padding:0}\n"
    ".filters li label{display:flex;gap:.4rem;align-items:baseline;"
    "padding:.1rem 0;cursor:pointer}\n"
    ".filters .v{flex:1;overflow-wrap:anywhere}\n"
    ".filters .n{color:var(--muted);font-size:.85rem;"
    "font-variant-numeric:tabular-nums}\n"
    ".filters summary{cursor:pointer;color:var(--accent);font-size:.9rem}\n"
    ".filters select{font:inherit;padding:.25rem}\n"
    ".actions{display:flex;gap:1rem;align-items:center;padding-top:.75rem}\n"
    ".summary{margin:0 0 1rem;color:var(--muted)}\n"
    ".spelling{margin:-.5rem 0 1rem}\n"
    ".error{border:1px solid #c0392b;background:#fdecea;padding:.75rem;"
    "border-radius:.375rem}\n"
    "ol.results{list-style:none;margin:0;padding:0}\n"
    ".event{border-bottom:1px solid var(--line);padding:1rem 0}\n"
    ".event h2{font-size:1.2rem;margin:.15rem 0 .35rem;line-height:1.3}\n"
    ".event h2 a{text-decoration:none}\n"
    ".event h2 a:hover{text-decoration:underline}\n"
    ".date{margin:0;font-weight:600}\n"
    ".badge{display:inline-block;font-size:.75rem;font-weight:600;"
    "padding:0 .45rem;border-radius:1rem;margin-left:.5rem;"
    "vertical-align:middle}\n"
    ".badge.upcoming{background:#e3f1e6;color:#1e6b33}\n"
    ".badge.past{background:#eceff3;color:#4a5361}\n"
    ".meta{margin:0 0 .4rem;color:var(--muted)}\n"
    ".snippet{margin:.4rem 0}\n"
    "mark{background:var(--mark);color:inherit;padding:0 .1em}\n"
    ".people{display:grid;grid-template-columns:auto 1fr;gap:.1rem .75rem;"
    "margin:.4rem 0;font-size:.95rem}\n"
    ".people dt{color:var(--muted)}\n"
    ".people dd{margin:0}\n"
    ".chips{display:flex;flex-wrap:wrap;gap:.35rem;margin:.4rem 0 0;"
    "padding:0;list-style:none;font-size:.85rem}\n"
    ".chips a{display:inline-block;background:var(--soft);border:1px solid "
    "var(--line);border-radius:1rem;padding:0 .6rem;text-decoration:none}\n"
    ".pager{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;"
    "margin:1.5rem 0}\n"
    ".pager a,.pager span{padding:.25rem .6rem;border:1px solid var(--line);"
    "border-radius:.375rem;text-decoration:none}\n"
    ".pager [aria-current]{background:var(--accent);color:#fff;"
    "border-color:var(--accent)}\n"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}\n"
    "footer{max-width:72rem;margin:0 auto;padding:1rem;color:var(--muted);"
    "font-size:.85rem}\n"
    "@media (max-width:48rem){.page{grid-template-columns:1fr;gap:1rem}"
    ".filters{order:2;border-top:1px solid var(--line);padding-top:1rem}"
    ".top h1{font-size:1.25rem}}\n";

/* Live refinement where JavaScript runs: a filter change submits the
 * form; typing fetches the page for the words so far and swaps the
 * results and filters in. Without it the form works as it is. */
static const char app_js[] =
    "(function(){\n"
    "var f=document.getElementById('f'),q=document.getElementById('q');\n"
    "if(!f||!q||!window.fetch||!window.DOMParser)return;\n"
    "f.addEventListener('change',function(){f.submit();});\n"
    "var timer=null,seq=0;\n"
    "function refresh(){\n"
    " var u='/?'+new URLSearchParams(new FormData(f)).toString(),n=++seq;\n"
    " fetch(u,{headers:{'Accept':'text/html'}}).then(function(r){\n"
    "  return r.text();}).then(function(html){\n"
    "  if(n!==seq)return;\n"
    "  var d=new DOMParser().parseFromString(html,'text/html');\n"
    "  ['results','filters'].forEach(function(id){\n"
    "   var a=document.getElementById(id),b=d.getElementById(id);\n"
    "   if(a&&b)a.replaceWith(b);});\n"
    "  f=document.getElementById('f');\n"
    "  f.addEventListener('change',function(){f.submit();});\n"
    "  history.replaceState(null,'',u);\n"
    " }).catch(function(){});\n"
    "}\n"
    "q.addEventListener('input',function(){\n"
    " clearTimeout(timer);timer=setTimeout(refresh,300);});\n"
    "})();\n";

typedef struct asset {
	const char *name;
	const char *body;
	size_t len;
	const char *type;
} asset;

int asset_find(const char *name, const char **body, size_t *len,
               const char **type, const char **etag)
{
	static const asset assets[] = {
	    {"style.css", style_css, sizeof style_css - 1,
	     "text/css; charset=utf-8"},
	    {"app.js", app_js, sizeof app_js - 1, "text/javascript; charset=utf-8"},
	};
	for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++) {
		if (strcmp(name, assets[i].name) == 0) {
			*body = assets[i].body;
			*len = assets[i].len;
			*type = assets[i].type;
			/* The assets change only with the program. */
			*etag = "W/\"" EVSEARCH_VERSION_STRING "-asset\"";
			return 1;
		}
	}
	return 0;
}
