/**
 * Fetches CIFAR-10 into a data folder, unless a copy is already there.
 *
 *   npx tsx tools/src/download-data.ts --dir data/cifar10
 *
 * Fashion-MNIST is not downloaded here: install Debian's dataset-fashion-mnist package.
 */
import { Command } from 'commander';

import { CIFAR10_MD5, CIFAR10_URL, DATASETS, ensureCifar10 } from '@dim/dataset';

const REPORT_EVERY_BYTES = 10 * 1024 * 1024;

async function main(): Promise<void> {
  const program = new Command()
    .name('download-data')
    .description('Download the official CIFAR-10 binary archive (MD5-checked) unless the data folder already has CIFAR-10.')
    .option('--dir <folder>', 'data folder to look in and download to', DATASETS.cifar10.defaultDir)
    .option('--url <url>', 'archive URL', CIFAR10_URL)
    .option('--md5 <hex>', 'expected MD5 of the archive', CIFAR10_MD5)
    .parse();
  const options = program.opts<{ dir: string; url: string; md5: string }>();

  let nextReport = 0;
  const location = await ensureCifar10({
    dir: options.dir,
    download: true,
    url: options.url,
    md5: options.md5,
    onProgress: (received, total) => {
      if (received < nextReport && received !== total) return;
      nextReport = received + REPORT_EVERY_BYTES;
      const totalText = total === undefined ? '' : ` of ${(total / 1e6).toFixed(1)} MB`;
      process.stderr.write(`downloaded ${(received / 1e6).toFixed(1)} MB${totalText}\n`);
    },
  });
  process.stdout.write(`CIFAR-10 ${location.kind}: ${location.path}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
