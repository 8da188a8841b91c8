import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RunDetailView } from '../../../components/RunDetailView';

interface RunPageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: RunPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${id}` };
}

export default async function RunPage({ params }: RunPageProps) {
  const { id } = await params;
  const runId = Number(id);
  // Run ids are positive integers; anything else cannot name a run.
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(runId) || runId < 1) {
    notFound();
  }
  return <RunDetailView runId={runId} />;
}
