/** Undo / Redo buttons of the plan (needles and seeds share one history). */
import { useSyncExternalStore } from 'react';
import { currentPlanEditor, subscribePlan } from '../plan/planSession';
import { redoPlan, undoPlan } from '../seeds/controller';
import { buttonStyle } from './styles';

function snapshot(): string {
  const e = currentPlanEditor();
  return `${e?.canUndo ? 1 : 0}${e?.canRedo ? 1 : 0}`;
}

export function PlanHistory({ where }: { where: string }) {
  const s = useSyncExternalStore((l) => subscribePlan(() => l()), snapshot, snapshot);
  return (
    <span style={{ display: 'inline-flex', gap: 4 }}>
      <button type="button" style={buttonStyle} data-pvpi={`${where}-undo`} disabled={s[0] !== '1'} onClick={undoPlan} title="Undo the last plan change (needles and seeds)">
        Undo
      </button>
      <button type="button" style={buttonStyle} data-pvpi={`${where}-redo`} disabled={s[1] !== '1'} onClick={redoPlan} title="Redo">
        Redo
      </button>
    </span>
  );
}
