import { CliError, EXIT, usageError } from "../cli-error.js";
import { type Command, HELP_OPTION, parseCommandArgs, printHelp, printJson } from "../command.js";
import { REASON_NAMES } from "../dead-letter-reasons.js";

/** `sms-relay status [--json] ID` */
export const statusCommand: Command = {
  name: "status",
  summary: "show where one SMS is",
  help: `
Usage: sms-relay status [--json] ID

Shows the state of the SMS with this job id: waiting, delayed, active, retrying, sent, dead
or unknown, with its attempts, KPN document ids, last error, why it is dead
(${REASON_NAMES}), and its delivery state
from KPN's reports (unknown, pending, delivered, failed or expired).
Exits 1 when no SMS has this id (never queued, or removed after its retention).

Options:
  --json             print the status as JSON
  -h, --help         show this help
`,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(this, args, {
      ...HELP_OPTION,
      json: { type: "boolean" },
    });
    if (values.help) return printHelp(this, context);
    const [id, ...extra] = positionals;
    if (id === undefined) throw usageError(this.name, "the ID is missing");
    if (extra.length > 0)
      throw usageError(this.name, `one ID at a time, got ${positionals.length}`);

    const producer = await context.producer();
    const status = await producer.status(id);
    if (values.json) printJson(context, status);
    if (status.state === "unknown") {
      throw new CliError(
        "SMS_UNKNOWN_ID",
        `no SMS with id ${id} (never queued, or removed after its retention)`,
      );
    }
    if (values.json) return EXIT.ok;
    const rows: [string, string][] = [
      ["id", status.id],
      ["state", status.state],
      ["attempts", String(status.attemptsMade)],
      ["documents", status.documentIds.length > 0 ? status.documentIds.join(", ") : "-"],
    ];
    if (status.sentAt) rows.push(["sent at", status.sentAt]);
    if (status.deadReason) rows.push(["dead", status.deadReason]);
    if (status.lastError) rows.push(["last error", status.lastError]);
    const { delivery } = status;
    const detail = [delivery.code ? `code ${delivery.code}` : "", delivery.reportedAt ?? ""]
      .filter(Boolean)
      .join(", ");
    rows.push(["delivery", detail ? `${delivery.state} (${detail})` : delivery.state]);
    for (const [label, value] of rows) {
      context.io.stdout.write(`${label.padEnd(11)}${value}\n`);
    }
    return EXIT.ok;
  },
};
