import { formatCheckpointPosition, formatDateTime } from '../lib/format';
import type { Checkpoint } from '../lib/graphql/types';

export function CheckpointTable({ checkpoints }: { checkpoints: Checkpoint[] }) {
  return (
    <div className="table-scroll" role="region" aria-label="Checkpoints" tabIndex={0}>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Saved at</th>
            <th scope="col">Path on the worker</th>
            <th scope="col">Written</th>
          </tr>
        </thead>
        <tbody>
          {checkpoints.map((checkpoint) => (
            <tr key={`${checkpoint.epoch}-${checkpoint.step}-${checkpoint.path}`}>
              <td>{formatCheckpointPosition(checkpoint.epoch, checkpoint.step)}</td>
              <td>
                <code>{checkpoint.path}</code>
              </td>
              <td>{formatDateTime(checkpoint.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
