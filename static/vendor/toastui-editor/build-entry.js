// Dasan's build of TOAST UI Editor: the editor, its ProseMirror dependencies and the Korean UI
// strings in one file exposed as window.toastui.Editor (no CDN, no module loader).
import Editor from "@toast-ui/editor";
import "@toast-ui/editor/dist/i18n/ko-kr";
window.toastui = { Editor };
