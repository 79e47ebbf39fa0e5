import type { PatientSummary, StudySummary } from '../../api/contract';
import type { ServiceContext } from './context';

/** Patients and studies: listed with their counts (suspicious at the active model's threshold), created, renamed. */
export class PatientService {
  constructor(private readonly context: ServiceContext) {}

  list(): PatientSummary[] {
    const { library } = this.context;
    const byStudy = this.suspiciousByStudy();
    const byPatient = new Map<number, number>();
    for (const s of library.patients.listStudies()) {
      byPatient.set(s.patientId, (byPatient.get(s.patientId) ?? 0) + (byStudy.get(s.id) ?? 0));
    }
    return library.patients.listPatients().map((p) => ({ ...p, suspicious: byPatient.get(p.id) ?? 0 }));
  }

  studies(patient?: string): StudySummary[] {
    const byStudy = this.suspiciousByStudy();
    return this.context.library.patients
      .listStudies(patient)
      .map((s) => ({ ...s, suspicious: byStudy.get(s.id) ?? 0 }));
  }

  createPatient(code: string): { id: number; created: boolean } {
    return this.audited((library, actor) => {
      const result = library.patients.ensurePatient(code);
      if (result.created) library.audit.record(actor, 'patient.create', `patient:${result.id}`);
      return result;
    });
  }

  renamePatient(id: number, code: string): void {
    this.audited((library, actor) => {
      library.patients.renamePatient(id, code);
      library.audit.record(actor, 'patient.rename', `patient:${id}`);
    });
  }

  createStudy(patientId: number, name: string): { id: number; created: boolean } {
    return this.audited((library, actor) => {
      const result = library.patients.ensureStudy(patientId, name);
      if (result.created) library.audit.record(actor, 'study.create', `study:${result.id}`);
      return result;
    });
  }

  renameStudy(id: number, name: string): void {
    this.audited((library, actor) => {
      library.patients.renameStudy(id, name);
      library.audit.record(actor, 'study.rename', `study:${id}`);
    });
  }

  private audited<T>(work: (library: ServiceContext['library'], actor: string) => T): T {
    const { library, actor } = this.context;
    return library.transaction(() => work(library, actor));
  }

  private suspiciousByStudy(): Map<number, number> {
    const { library } = this.context;
    const active = library.models.active();
    return active ? library.predictions.suspiciousByStudy(active.id, active.threshold) : new Map();
  }
}
