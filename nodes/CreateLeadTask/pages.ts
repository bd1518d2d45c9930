/** The pages a completion link shows: plain, readable, never n8n's error page. */
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function page(title: string, text: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#222;display:flex;justify-content:center;padding-top:10vh}main{background:#fff;border:1px solid #dde;border-radius:8px;padding:24px 32px;max-width:460px}h1{font-size:20px;margin:0 0 8px}p{margin:0;color:#555}</style>
</head><body><main><h1>${escape(title)}</h1><p>${escape(text)}</p></main></body></html>`;
}
