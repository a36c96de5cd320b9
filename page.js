() => {
  // Runs once in the browser when the page loads. It makes Gradio's sketchpad live:
  // - the sketchpad starts (and returns after "clear") with no tool selected, ignoring strokes: pick the brush;
  // - with a change or input listener attached, the sketchpad encodes and uploads three full-size PNG layers
  //   after every stroke, which costs most of a second. Instead a half-size PNG of the picture goes to a
  //   hidden textbox, whose change event sends it to the server: while the pen moves (one every LIVE_MS at
  //   most; Gradio keeps only the newest in flight), and on each change of the drawing (stroke end, undo,
  //   clear). The sketchpad itself has no listener, so it uploads nothing.
  // window.editor is Gradio's image editor object (not a public API): tests/test_browser.py fails if it moves.
  const LIVE_MS = 80;
  let hooked = null;
  let drawing = false;
  let sent = 0;
  let later = null;
  const send = () => {
    const editor = window.editor;
    const box = document.querySelector("#stroke-data textarea");
    if (!editor || !editor.app || !box) return;
    clearTimeout(later);
    later = null;
    sent = performance.now();
    const canvas = editor.app.renderer.extract.canvas({target: editor.image_container, resolution: 0.5});
    box.value = canvas.toDataURL("image/png");
    box.dispatchEvent(new Event("input", {bubbles: true}));
  };
  const sendWhileDrawing = () => {
    if (!drawing || later) return;
    const wait = sent + LIVE_MS - performance.now();
    if (wait <= 0) send();
    else later = setTimeout(() => { later = null; if (drawing) send(); }, wait);
  };
  const onSketchpad = (event) => event.target.closest && event.target.closest("#sketchpad canvas");
  addEventListener("pointerdown", (event) => { drawing = Boolean(onSketchpad(event)); }, true);
  addEventListener("pointermove", () => sendWhileDrawing(), true);
  addEventListener("pointerup", () => { drawing = false; }, true);
  const watch = () => {
    const root = document.querySelector("#sketchpad");
    const brush = root && root.querySelector("button[aria-label='Brush']");
    if (brush && root.textContent.match(/select the draw tool/i)) brush.click();
    if (window.editor && window.editor !== hooked) {
      hooked = window.editor;
      hooked.on("change", send);
    }
  };
  new MutationObserver(watch).observe(document.body, {childList: true, subtree: true, characterData: true});
  watch();
}
