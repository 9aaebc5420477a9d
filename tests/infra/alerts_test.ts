import assert from "node:assert/strict";
import { Testing } from "cdktf";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2/index.js";
import {
  SERVICE_TAGS_CHANGED,
  SERVICE_TAGS_CHECK_FAILED,
} from "../../src/events.ts";
import { createLogger } from "../../src/log.ts";
import { eventQuery } from "../../infra/constructs/alerts.ts";
import { only, ref, resources, synthesize } from "./synth.ts";

const stack = synthesize({
  INFRA_ALERT_EMAILS: "ops@contoso.example,network@contoso.example",
});
const workspace = only(stack, "azurerm_log_analytics_workspace");
const actionGroup = only(stack, "azurerm_monitor_action_group");
const RULE = "azurerm_monitor_scheduled_query_rules_alert_v2";

/** The event name a query compares `entry.event` with. */
function matchedEvent(query: string): string {
  const match = /\| where tostring\(entry\.event\) == ("[^"]*")/.exec(query);
  if (!match?.[1]) throw new Error(`no event comparison in: ${query}`);
  return JSON.parse(match[1]);
}

/** What the job writes to stderr when it logs an event. */
function jobLogLine(event: string): string {
  const lines: string[] = [];
  const logger = createLogger({
    json: true,
    write: (line) => lines.push(line),
  });
  logger.info("something happened", { event, tagsAdded: 1 });
  return lines[0]!;
}

Deno.test("eventQuery() reads the container log table and compares the event field exactly", () => {
  const query = eventQuery(SERVICE_TAGS_CHANGED);

  assert.ok(query.startsWith("ContainerInstanceLog_CL\n"));
  assert.ok(query.includes(`| where Message has "${SERVICE_TAGS_CHANGED}"`));
  assert.ok(query.includes("| extend entry = parse_json(Message)"));
  assert.equal(matchedEvent(query), SERVICE_TAGS_CHANGED);
});

Deno.test("the job's log line carries the event where the alert query looks for it", () => {
  for (const event of [SERVICE_TAGS_CHANGED, SERVICE_TAGS_CHECK_FAILED]) {
    const message = JSON.parse(jobLogLine(event));
    assert.equal(message.event, matchedEvent(eventQuery(event)));
  }
});

Deno.test("the changed alert mails 'Azure Service Tags changed' on the ServiceTagsChanged event", () => {
  assert.ok(
    Testing.toHaveResourceWithProperties(
      stack.text,
      MonitorScheduledQueryRulesAlertV2.tfResourceType,
      {
        name: "Azure Service Tags changed",
        display_name: "Azure Service Tags changed",
        criteria: [{
          query: eventQuery(SERVICE_TAGS_CHANGED),
          time_aggregation_method: "Count",
          operator: "GreaterThan",
          threshold: 0,
        }],
      },
    ),
  );
});

Deno.test("the failed alert fires on the ServiceTagsCheckFailed event", () => {
  const rule = only(
    stack,
    RULE,
    (body) => body.display_name === "Azure Service Tags check failed",
  );
  const criteria = rule.body.criteria as { query: string }[];

  assert.equal(rule.body.name, "Azure Service Tags check failed");
  assert.equal(criteria.length, 1);
  assert.deepEqual(matchedEvent(criteria[0]!.query), SERVICE_TAGS_CHECK_FAILED);
  assert.equal(rule.body.severity, 1);
});

Deno.test("both alerts search the workspace, skip query validation and mail the action group", () => {
  const rules = resources(stack, RULE);

  assert.equal(rules.length, 2);
  for (const { body } of rules) {
    assert.deepEqual(body.scopes, [
      ref("azurerm_log_analytics_workspace", workspace, "id"),
    ]);
    assert.equal(body.skip_query_validation, true);
    assert.deepEqual(body.action, {
      action_groups: [ref("azurerm_monitor_action_group", actionGroup, "id")],
    });
    assert.equal(body.evaluation_frequency, "PT15M");
    assert.equal(body.window_duration, "PT30M");
    assert.equal(body.mute_actions_after_alert_duration, "PT30M");
    assert.equal(body.auto_mitigation_enabled, false);
  }
});

Deno.test("the action group mails every configured address", () => {
  assert.deepEqual(actionGroup.body.email_receiver, [
    {
      name: "mail-1",
      email_address: "ops@contoso.example",
      use_common_alert_schema: true,
    },
    {
      name: "mail-2",
      email_address: "network@contoso.example",
      use_common_alert_schema: true,
    },
  ]);
});

Deno.test("the workspace keeps the container logs for the configured days", () => {
  assert.equal(workspace.body.sku, "PerGB2018");
  assert.equal(workspace.body.retention_in_days, 30);

  const custom = synthesize({ INFRA_LOG_RETENTION_DAYS: "90" });
  assert.equal(
    only(custom, "azurerm_log_analytics_workspace").body.retention_in_days,
    90,
  );
});
