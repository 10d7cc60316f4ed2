import type { Command } from 'commander';
import { Cap } from 'cap';
import { bootstrapStage, STAGES } from '@ids/stage-host';
import { CliError, EXIT } from '../cli-error';

interface CapDevice { name: string; description?: string; addresses: { addr: string }[]; flags?: string }

export function registerCapture(program: Command): void {
  program.command('capture')
    .description('List capture interfaces, or replay a capture file into ids.packets.v1 on Kafka.')
    .option('--list-interfaces', 'list the interfaces libpcap can capture from')
    .option('-r, --read <file>', 'replay this pcap or pcapng file into Kafka (the capture app with IDS_CAPTURE_FILE)')
    .action(async (opts: { listInterfaces?: boolean; read?: string }) => {
      if (opts.listInterfaces) {
        for (const d of Cap.deviceList() as CapDevice[]) {
          process.stdout.write(`${d.name}\t${d.addresses.map((a) => a.addr).join(',')}\t${d.description ?? ''}\n`);
        }
        return;
      }
      if (!opts.read) throw new CliError('give --list-interfaces or -r FILE', EXIT.badInput);
      await bootstrapStage(STAGES.capture, { ...process.env, IDS_CAPTURE_FILE: opts.read });
    });
}
