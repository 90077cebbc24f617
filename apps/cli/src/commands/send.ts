import { maskMobileNumber } from "@sms-relay/sms";
import { EXIT, usageError } from "../cli-error.js";
import { type Command, HELP_OPTION, parseCommandArgs, printHelp, printJson } from "../command.js";
import { describeIssues, validationIssues } from "../validation-message.js";

/** Where each field of the producer's input comes from on the command line. */
const OPTION_OF_FIELD = {
  to: "--to",
  sender: "--sender",
  idempotencyKey: "--key",
  content: "TEXT",
} as const;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** `sms-relay send --to NUMBER [--sender NAME] [--key IDEMPOTENCY_KEY] [--json] TEXT` */
export const sendCommand: Command = {
  name: "send",
  summary: "queue one SMS",
  help: `
Usage: sms-relay send --to NUMBER [--sender NAME] [--key IDEMPOTENCY_KEY] [--json] TEXT

Queues one SMS and prints its job id on stdout (details on stderr).

Options:
  --to NUMBER        recipient: 0612345678, +31612345678, 0031 6 1234 5678, …
  --sender NAME      sender shown on the phone (default: SMS_DEFAULT_SENDER, else SMSRelay)
  --key IDEMPOTENCY_KEY
                     idempotency key: the same key queues the message only once
  --json             print the result as JSON
  -h, --help         show this help

All words after the options form the text: sms-relay send --to 0612345678 Your order has shipped
`,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(this, args, {
      ...HELP_OPTION,
      to: { type: "string" },
      sender: { type: "string" },
      key: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) return printHelp(this, context);
    if (values.to === undefined) throw usageError(this.name, "--to is required");
    const content = positionals.join(" ");
    if (content === "") throw usageError(this.name, "the TEXT to send is missing");

    const producer = await context.producer();
    const result = await producer
      .send({
        to: values.to,
        content,
        ...(values.sender !== undefined ? { sender: values.sender } : {}),
        ...(values.key !== undefined ? { idempotencyKey: values.key } : {}),
      })
      .catch((error: unknown) => {
        const issues = validationIssues(error);
        if (!issues) throw error;
        // Every field checked here was typed on the command line (a bad SMS_DEFAULT_SENDER
        // fails earlier, when the producer is built), so this is a usage error.
        throw usageError(this.name, describeIssues(issues, OPTION_OF_FIELD), {
          code: "SMS_VALIDATION",
          cause: error,
        });
      });
    if (values.json) {
      printJson(context, result);
      return EXIT.ok;
    }
    context.io.stdout.write(`${result.id}\n`);
    const what = result.deduplicated ? "already queued (same --key)" : "queued";
    context.io.stderr.write(
      `${what} for ${maskMobileNumber(result.to)}: ${plural(result.parts, "part")}, ` +
        `${plural(result.segments, "segment")}, ${result.encoding}\n`,
    );
    return EXIT.ok;
  },
};
