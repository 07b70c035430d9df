// Whose skills a plan removes, by name: shown on the Plan screen and again in Apply's confirmation,
// so the typed "remove" is given knowing who loses what.
import type { PlanView } from "../bindings/PlanView";
import { formatCount, formatValue } from "../format";
import { AgentCell, SkillCell } from "./Names";

export function RemovalList({ plan }: { plan: PlanView }) {
  const total = plan.summary.remove;
  const shown = plan.removals;
  const agents = new Set(shown.map((r) => r.agent_label ?? r.agent)).size;
  return (
    <section className="card card-remove" aria-labelledby="removal-title" data-testid="removal-list">
      <h2 id="removal-title">
        Removes {formatCount(total)} skill {total === 1 ? "assignment" : "assignments"}
        {shown.length === total && ` from ${formatCount(agents)} ${agents === 1 ? "agent" : "agents"}`}
      </h2>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="removal-title">
        <table className="table">
          <thead>
            <tr>
              <th scope="col" className="col-agent">
                Agent
              </th>
              <th scope="col" className="col-skill">
                Skill
              </th>
              <th scope="col" className="num">
                Level now
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={`${r.line}-${i}`} data-testid="removal-row">
                <td>
                  <AgentCell agent={r.agent} label={r.agent_label} />
                </td>
                <td>
                  <SkillCell skill={r.skill} label={r.skill_label} />
                </td>
                <td className="num">{formatValue(r.before)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length < total && <p className="muted small">The first {formatCount(shown.length)} of {formatCount(total)}; the Remove tab below lists every one.</p>}
    </section>
  );
}
