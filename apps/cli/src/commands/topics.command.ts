import type { Command } from 'commander';
import { ALL_TOPICS, valueSubject } from '@ids/contracts';
import { loadConfig } from '@ids/config';
import { createLogger } from '@ids/observability';
import { prepareKafka, allStageTopologies, terraformTopics, topicsToApply } from '@ids/stage-host';

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('The topic registry: list it, or create the topics and register the schemas.');
  topics.command('list')
    .description('Print every topic of the registry with partitions, cleanup policy, retention and subject.')
    .action(() => {
      const rows = topicsToApply(allStageTopologies()).map((t) => {
        const spec = ALL_TOPICS.find((s) => s.name === t.name);
        return [t.name, String(t.partitions), t.cleanupPolicy, t.retentionMs < 0 ? 'forever' : `${t.retentionMs / 3_600_000}h`, spec ? valueSubject(spec.name) : '(internal, JSON)'];
      });
      for (const r of [['topic', 'partitions', 'cleanup', 'retention', 'value subject'], ...rows]) process.stdout.write(r.join('\t') + '\n');
    });
  topics.command('terraform')
    .description('Print the Terraform definitions of every topic (infra/terraform/topics.tf.json).')
    .action(() => { process.stdout.write(terraformTopics(topicsToApply(allStageTopologies()))); });
  topics.command('apply')
    .description('Create missing topics (data topics and stage changelogs) and register every value schema.')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger('ids-topics', config.log.level);
      await prepareKafka(config, logger, allStageTopologies());
      process.stdout.write(`topics and schemas applied on ${config.kafka.brokers.join(',')} / ${config.schemaRegistry.url}\n`);
    });
}
