// The activation baseline: a hello-world extension (one command), loaded and activated the same way.
const vscode = require("vscode");

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand("hello.world", () => undefined));
};
