/**
 * Mail when the job logs that the Service Tags changed, and when a run
 * failed. The rules search the container logs in the workspace for the
 * event names the job writes (src/events.ts).
 *
 * @module
 */

import { Construct } from "constructs";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group/index.js";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2/index.js";
import {
  SERVICE_TAGS_CHANGED,
  SERVICE_TAGS_CHECK_FAILED,
} from "../../src/events.ts";

/** Table that `az container create --log-analytics-workspace` writes to. */
export const CONTAINER_LOG_TABLE = "ContainerInstanceLog_CL";

/**
 * A log query that returns the records of one event of the job. Each log
 * line of the job is one JSON object in the `Message` column, with the event
 * name in its `event` field. The workspace holds this job's logs only, so
 * the query does not depend on how the workflow names the container group.
 */
export function eventQuery(event: string): string {
  // JSON string literals are valid KQL string literals.
  return [
    CONTAINER_LOG_TABLE,
    // A cheap term filter first; parsing every line would scan the table.
    `| where Message has ${JSON.stringify(event)}`,
    "| extend entry = parse_json(Message)",
    `| where tostring(entry.event) == ${JSON.stringify(event)}`,
    "| project TimeGenerated, ContainerGroup_s, Message",
  ].join("\n");
}

/** Settings of {@linkcode JobAlerts}. */
export interface JobAlertsProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly workspaceId: string;
  readonly emails: readonly string[];
  readonly tags: Record<string, string>;
}

/** The action group and the two log search alert rules. */
export class JobAlerts extends Construct {
  readonly actionGroup: MonitorActionGroup;
  readonly changed: MonitorScheduledQueryRulesAlertV2;
  readonly failed: MonitorScheduledQueryRulesAlertV2;

  constructor(scope: Construct, id: string, props: JobAlertsProps) {
    super(scope, id);

    this.actionGroup = new MonitorActionGroup(this, "mail", {
      name: "ag-servicetags-checker",
      shortName: "stchecker",
      resourceGroupName: props.resourceGroupName,
      emailReceiver: props.emails.map((emailAddress, index) => ({
        name: `mail-${index + 1}`,
        emailAddress,
        useCommonAlertSchema: true,
      })),
      tags: props.tags,
    });

    this.changed = this.rule("changed", props, {
      title: "Azure Service Tags changed",
      description:
        "The servicetags-checker job stored a new snapshot and a change report in the servicetags-report container.",
      event: SERVICE_TAGS_CHANGED,
      severity: 3,
    });
    this.failed = this.rule("failed", props, {
      title: "Azure Service Tags check failed",
      description:
        "A servicetags-checker run failed; the container logs and the daily workflow run say why.",
      event: SERVICE_TAGS_CHECK_FAILED,
      severity: 1,
    });
  }

  private rule(
    id: string,
    props: JobAlertsProps,
    rule: {
      /** Rule name and display name: the alert mail's subject shows it. */
      title: string;
      description: string;
      event: string;
      severity: number;
    },
  ): MonitorScheduledQueryRulesAlertV2 {
    return new MonitorScheduledQueryRulesAlertV2(this, id, {
      name: rule.title,
      displayName: rule.title,
      description: rule.description,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      scopes: [props.workspaceId],
      severity: rule.severity,
      // Each record falls into two windows, so one that reaches the workspace
      // up to 15 minutes late is still seen; the mute stops a second mail.
      evaluationFrequency: "PT15M",
      windowDuration: "PT30M",
      muteActionsAfterAlertDuration: "PT30M",
      autoMitigationEnabled: false,
      // The table exists only after the first container has logged.
      skipQueryValidation: true,
      criteria: [{
        query: eventQuery(rule.event),
        timeAggregationMethod: "Count",
        operator: "GreaterThan",
        threshold: 0,
      }],
      action: { actionGroups: [this.actionGroup.id] },
      tags: props.tags,
    });
  }
}
