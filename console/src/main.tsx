import { render } from "preact";
import { App } from "./app";
import css from "./style.css?inline";

// The styles travel inside the one script (a constructed style sheet, which the page's
// Content-Security-Policy allows): the page loads one asset after itself.
const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [sheet];

render(<App />, document.getElementById("app")!);
