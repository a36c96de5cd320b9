() => {
  // Runs once in the browser when the page loads. Two fixes to Gradio's sketchpad:
  // - it starts (and returns after "clear") with no tool selected, ignoring strokes: pick the brush;
  // - with a change or input listener attached, it encodes and uploads three full-size PNG layers
  //   after every stroke, which costs most of a second. Instead, on each change of the drawing
  //   (stroke, undo, clear) a half-size PNG of the picture goes to a hidden textbox, whose change
  //   event sends it to the server. The sketchpad itself has no listener, so it uploads nothing.
  let hooked = null;
  const send = () => {
    const editor = window.editor;
    const box = document.querySelector("#stroke-data textarea");
    if (!editor || !editor.app || !box) return;
    const canvas = editor.app.renderer.extract.canvas({target: editor.image_container, resolution: 0.5});
    box.value = canvas.toDataURL("image/png");
    box.dispatchEvent(new Event("input", {bubbles: true}));
  };
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
