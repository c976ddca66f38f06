// Small helpers shared by the page's modules: DOM/SVG builders and how figures are written.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export const SVG_NS = "http://www.w3.org/2000/svg";
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export const num = (n) => (n === null || n === undefined ? "?" : typeof n === "number" ? n.toLocaleString("en-US") : String(n));

export function bytes(n) {
  if (n === null || n === undefined) return "?";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${n.toFixed(2)} ${units[i]}`;
}

export function shape(s) {
  if (s === null || s === undefined) return "?";
  if (typeof s === "string") return s;
  if (Array.isArray(s) && s.some((d) => Array.isArray(d))) return "[" + s.map(shape).join(", ") + "]";
  if (Array.isArray(s)) return "(" + s.map((d) => (d === null ? "None" : String(d))).join(", ") + (s.length === 1 ? ",)" : ")");
  return JSON.stringify(s);
}

export function value(v) {
  if (Array.isArray(v)) return shape(v);
  if (typeof v === "number") return num(v);
  if (v === null || v === undefined) return "?";
  return String(v);
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
