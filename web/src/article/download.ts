// "Download RNNenc / RNNsearch": the model file a section is drawing now
// (the page's copy of the worker's latest snapshot), named after its update.
import type { ModelStore } from "./models.js";
import type { Role } from "./race.js";

const FILE: Record<Role, string> = { enc: "rnnenc", search: "rnnsearch" };

export function downloadButton(button: HTMLButtonElement, store: ModelStore, role: Role): void {
  store.subscribe(role, () => (button.disabled = false));
  button.addEventListener("click", () => {
    const m = store.get(role);
    if (!m) return;
    const url = URL.createObjectURL(new Blob([m.bytes as BlobPart], { type: "application/octet-stream" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${FILE[role]}-update-${m.step}.safetensors`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
}
