import { CliError, EXIT, usageError } from "../cli-error.js";
import { type Command, HELP_OPTION, parseCommandArgs, printHelp, printJson } from "../command.js";

type Action = "redrive" | "purge";

/** Ids named in the one-line summary; `--json` lists them all. */
const NAMED_IDS = 20;

const WORDS: Record<Action, { done: string; help: string }> = {
  redrive: {
    done: "redriven",
    help: "Puts dead-lettered SMS back on the sms queue for a fresh set of attempts, and removes\nthem from the dead-letter queue.",
  },
  purge: {
    done: "purged",
    help: "Deletes dead-lettered SMS for good.",
  },
};

function createDlqChangeCommand(action: Action): Command {
  const { done, help } = WORDS[action];
  const exits =
    action === "redrive"
      ? "Exits 1 when an ID was not found, or when its SMS is being sent right now (its record\nstays: try again later); the others are still redriven."
      : "Exits 1 when an ID was not found; the others are still purged.";
  const jsonExtra = action === "redrive" ? "inProgress, " : "";
  return {
    name: `dlq ${action}`,
    summary: action === "redrive" ? "send dead letters again" : "delete dead letters",
    help: `
Usage: sms-relay dlq ${action} (ID… | --all) [--json]

${help}

IDs are the dead-letter ids shown by \`sms-relay dlq list\`. Prints how many were ${done}
and their ids (the first ${NAMED_IDS}; --json lists them all).
${exits}

Options:
  --all              every record in the dead-letter queue
  --json             print { ${done}, ${jsonExtra}missing } as JSON
  -h, --help         show this help
`,
    async run(args, context) {
      const { values, positionals } = parseCommandArgs(this, args, {
        ...HELP_OPTION,
        all: { type: "boolean" },
        json: { type: "boolean" },
      });
      if (values.help) return printHelp(this, context);
      if (values.all && positionals.length > 0) {
        throw usageError(this.name, "give IDs or --all, not both");
      }
      if (!values.all && positionals.length === 0) {
        throw usageError(this.name, `give the IDs to ${action}, or --all`);
      }
      const target = values.all ? ("all" as const) : positionals;
      const { deadLetters } = await context.producer();
      const { missing, inProgress, changed } =
        action === "redrive"
          ? await deadLetters.redrive(target).then((r) => ({ ...r, changed: r.redriven }))
          : await deadLetters.purge(target).then((r) => ({
              ...r,
              changed: r.purged,
              inProgress: [] as string[],
            }));
      if (values.json) {
        const extra = action === "redrive" ? { inProgress } : {};
        printJson(context, { [done]: changed, ...extra, missing });
      } else {
        const named = changed.slice(0, NAMED_IDS).join(", ");
        const more = changed.length > NAMED_IDS ? ` and ${changed.length - NAMED_IDS} more` : "";
        const list = changed.length > 0 ? `: ${named}${more}` : "";
        context.io.stdout.write(`${done} ${changed.length}${list}\n`);
      }
      if (missing.length > 0) {
        throw new CliError("DLQ_NOT_FOUND", `not in the dead-letter queue: ${missing.join(", ")}`);
      }
      if (inProgress.length > 0) {
        throw new CliError(
          "DLQ_IN_PROGRESS",
          `being sent right now, record kept (try again later): ${inProgress.join(", ")}`,
        );
      }
      return EXIT.ok;
    },
  };
}

/** `sms-relay dlq redrive (ID… | --all)` */
export const dlqRedriveCommand = createDlqChangeCommand("redrive");
/** `sms-relay dlq purge (ID… | --all)` */
export const dlqPurgeCommand = createDlqChangeCommand("purge");
