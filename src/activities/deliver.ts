import { Context } from '@temporalio/activity';
import { workflowIds } from '../temporal/workflow-ids';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { deliverPart, PartDeliveryResult } from '../delivery/deliver-part';
import { PartRef } from '../delivery/ledger';
import { planDay } from '../delivery/plan';
import { ReceiptInput, writeReceipt } from '../delivery/receipt';
import { HecClient } from '../splunk/hec-client';
import { KIND, ORG } from '../temporal/search-attributes';
import { lakeOf } from '../s3/lake';

export interface DeliveryPlan {
  day: string;
  sealed: boolean;
  manifest: { key: string; sha256: string; version: number } | null;
  pending: PartRef[];
  delivered: number;
  /** SPLUNK_RETRY_MAX_HOURS of the worker: how long the workflow keeps waiting out an outage. */
  retryMaxHours: number;
}

export interface RequestDeliveryInput {
  org: string;
  days: string[];
  /** Where the delivery workflow runs (workflows' queue) and its lake activities. */
  workflowTaskQueue: string;
  lakeTaskQueue: string;
}

export const deliveryWorkflowId = workflowIds.deliver;

/** Activities of the delivery workflow (lake task queue): plan a day, send a part, write the receipt. */
export function createDeliverActivities(deps: { config: Config; s3: S3Client; hec?: HecClient }) {
  const lake = lakeOf(deps.config, deps.s3);
  const { splunk, duckdb } = deps.config;
  return {
    async planDayDelivery(input: { org: string; sink: string; day: string }): Promise<DeliveryPlan> {
      const plan = await planDay(lake, input.org, input.sink, input.day);
      return { ...plan, retryMaxHours: deps.config.splunk?.retryMaxHours ?? 72 };
    },

    async deliverPart(input: { org: string; sink: string; day: string; part: PartRef }): Promise<PartDeliveryResult> {
      return deliverPart(
        { lake, splunk, duckdb, hec: deps.hec, heartbeat: (d) => Context.current().heartbeat(d) },
        input,
      );
    },

    async writeDeliveryReceipt(input: ReceiptInput): Promise<{ key: string; sha256: string; written: boolean }> {
      const { key, sha256, written } = await writeReceipt({ lake, splunk }, input);
      return { key, sha256, written };
    },

    /**
     * Asks the sink's delivery workflow to deliver days (signal-with-start: one workflow per sink,
     * started when none runs). Does nothing when no sink is configured on this worker.
     */
    async requestDelivery(input: RequestDeliveryInput): Promise<{ workflowId: string | null }> {
      if (!deps.config.splunk) return { workflowId: null };
      const workflowId = deliveryWorkflowId(input.org, 'splunk');
      await Context.current().client.workflow.signalWithStart('deliverWorkflow', {
        workflowId,
        taskQueue: input.workflowTaskQueue,
        args: [{ org: input.org, sink: 'splunk', lakeTaskQueue: input.lakeTaskQueue }],
        signal: 'deliver',
        signalArgs: [{ days: input.days }],
        typedSearchAttributes: [
          { key: ORG, value: input.org },
          { key: KIND, value: 'deliver' },
        ],
        staticSummary: `Deliver sealed days of ${input.org} to Splunk HEC`,
      });
      return { workflowId };
    },
  };
}
