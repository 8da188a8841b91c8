import type { Metadata } from 'next';
import { StartTrainingView } from '../../../components/StartTrainingView';

export const metadata: Metadata = { title: 'Start training' };

export default function StartTrainingPage() {
  return <StartTrainingView />;
}
