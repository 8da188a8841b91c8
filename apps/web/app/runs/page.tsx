import type { Metadata } from 'next';
import { RunsView } from '../../components/RunsView';

export const metadata: Metadata = { title: 'Training runs' };

export default function RunsPage() {
  return <RunsView />;
}
