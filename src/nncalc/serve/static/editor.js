// The code editor: a textarea with line numbers beside it and the line of an error marked.
// Lines do not wrap (one text line per row), so a number always faces its line.

export class Editor {
  constructor(textarea, gutter, mark) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.mark = mark;
    this.errorLine = null;
    this.lines = 0;
    textarea.addEventListener("input", () => { this.setError(null); this.refresh(); });
    textarea.addEventListener("scroll", () => this.place());
    new ResizeObserver(() => this.place()).observe(textarea);
  }

  get value() { return this.textarea.value; }

  set value(text) {
    this.textarea.value = text;
    this.setError(null);
    this.refresh();
  }

  lineHeight() { return parseFloat(getComputedStyle(this.textarea).lineHeight) || 17; }

  refresh() {
    const count = this.textarea.value.split("\n").length;
    if (count !== this.lines || this.gutter.dataset.error !== String(this.errorLine)) {
      this.lines = count;
      this.gutter.replaceChildren(...Array.from({ length: count }, (_, i) => {
        const line = document.createElement("div");
        line.textContent = String(i + 1);
        if (i + 1 === this.errorLine) line.className = "error-line";
        return line;
      }));
      this.gutter.dataset.error = String(this.errorLine);
    }
    this.place();
  }

  // Mark line ``line`` (1-based) as the error's, scroll it into view; null clears the mark.
  setError(line) {
    this.errorLine = line && line <= this.textarea.value.split("\n").length ? line : null;
    this.mark.hidden = this.errorLine === null;
    this.textarea.classList.toggle("has-error", this.errorLine !== null);
    this.refresh();
    if (this.errorLine !== null) {
      const top = (this.errorLine - 1) * this.lineHeight();
      const view = this.textarea.clientHeight;
      if (top < this.textarea.scrollTop || top > this.textarea.scrollTop + view - 2 * this.lineHeight()) {
        this.textarea.scrollTop = Math.max(0, top - view / 3);
      }
      this.place();
    }
  }

  place() {
    this.gutter.style.height = `${this.textarea.offsetHeight}px`;  // as tall as the text box, not its text
    this.gutter.scrollTop = this.textarea.scrollTop;
    if (this.errorLine !== null) {
      const pad = parseFloat(getComputedStyle(this.textarea).paddingTop) || 0;
      this.mark.style.top = `${pad + (this.errorLine - 1) * this.lineHeight() - this.textarea.scrollTop}px`;
      this.mark.style.height = `${this.lineHeight()}px`;
    }
  }
}
