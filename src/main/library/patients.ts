import type { Db } from './database';
import { LibraryError } from './errors';
import { stamp, systemTime, type Clock } from './clock';

export interface PatientSummary {
  id: number;
  code: string;
  note: string | null;
  createdAt: string;
  studies: number;
  images: number;
  labeled: number;
}

export interface StudySummary {
  id: number;
  patientId: number;
  patientCode: string;
  name: string;
  studyDate: string | null;
  sourceFolder: string | null;
  note: string | null;
  createdAt: string;
  images: number;
  labeled: number;
}

/** Patients (by the pseudonymous code the clinic chooses) and their studies (photography sessions). */
export class Patients {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  /** The patient with this code, created when new. */
  ensurePatient(code: string): { id: number; created: boolean } {
    const trimmed = code.trim();
    if (trimmed === '') throw new LibraryError('A patient id must not be empty.', 'invalid');
    const existing = this.db.prepare('SELECT id FROM patients WHERE code = ?').get(trimmed) as
      { id: number } | undefined;
    if (existing) return { id: existing.id, created: false };
    const result = this.db
      .prepare('INSERT INTO patients (code, created_at) VALUES (?, ?)')
      .run(trimmed, stamp(this.clock));
    return { id: Number(result.lastInsertRowid), created: true };
  }

  /** The patient with this code, if the library has one. */
  findPatient(code: string): { id: number; code: string } | undefined {
    return this.db.prepare('SELECT id, code FROM patients WHERE code = ?').get(code.trim()) as
      { id: number; code: string } | undefined;
  }

  /** The patient a study belongs to. */
  patientOfStudy(studyId: number): { id: number; code: string } | undefined {
    return this.db
      .prepare('SELECT p.id, p.code FROM studies s JOIN patients p ON p.id = s.patient_id WHERE s.id = ?')
      .get(studyId) as { id: number; code: string } | undefined;
  }

  /** The study of this patient with this name, created when new. */
  ensureStudy(
    patientId: number,
    name: string,
    details: { studyDate?: string; sourceFolder?: string; note?: string } = {},
  ): { id: number; created: boolean } {
    const trimmed = name.trim();
    if (trimmed === '') throw new LibraryError('A study name must not be empty.', 'invalid');
    if (!this.db.prepare('SELECT 1 FROM patients WHERE id = ?').get(patientId)) {
      throw new LibraryError(`No patient with id ${patientId} in the library.`, 'not-found');
    }
    const existing = this.db
      .prepare('SELECT id FROM studies WHERE patient_id = ? AND name = ?')
      .get(patientId, trimmed) as { id: number } | undefined;
    if (existing) return { id: existing.id, created: false };
    const result = this.db
      .prepare(
        'INSERT INTO studies (patient_id, name, study_date, source_folder, note, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        patientId,
        trimmed,
        details.studyDate ?? null,
        details.sourceFolder ?? null,
        details.note ?? null,
        stamp(this.clock),
      );
    return { id: Number(result.lastInsertRowid), created: true };
  }

  /** Gives a patient another code; refused when another patient has it. */
  renamePatient(id: number, code: string): void {
    const trimmed = code.trim();
    if (trimmed === '') throw new LibraryError('A patient id must not be empty.', 'invalid');
    const other = this.db.prepare('SELECT id FROM patients WHERE code = ? AND id != ?').get(trimmed, id);
    if (other) throw new LibraryError(`Another patient already has the id ${trimmed}.`, 'invalid');
    const changed = this.db.prepare('UPDATE patients SET code = ? WHERE id = ?').run(trimmed, id).changes;
    if (changed === 0) throw new LibraryError(`No patient with id ${id} in the library.`, 'not-found');
  }

  /** Gives a study another name; refused when the patient has another study of that name. */
  renameStudy(id: number, name: string): void {
    const trimmed = name.trim();
    if (trimmed === '') throw new LibraryError('A study name must not be empty.', 'invalid');
    const other = this.db
      .prepare(
        'SELECT 1 FROM studies WHERE name = ? AND id != ? AND patient_id = (SELECT patient_id FROM studies WHERE id = ?)',
      )
      .get(trimmed, id, id);
    if (other) throw new LibraryError(`This patient already has a study named ${trimmed}.`, 'invalid');
    const changed = this.db.prepare('UPDATE studies SET name = ? WHERE id = ?').run(trimmed, id).changes;
    if (changed === 0) throw new LibraryError(`No study with id ${id} in the library.`, 'not-found');
  }

  listPatients(): PatientSummary[] {
    return this.db
      .prepare(
        `SELECT p.id, p.code, p.note, p.created_at AS createdAt,
           (SELECT count(*) FROM studies s WHERE s.patient_id = p.id) AS studies,
           (SELECT count(*) FROM images i JOIN studies s ON s.id = i.study_id WHERE s.patient_id = p.id) AS images,
           (SELECT count(*) FROM current_labels l JOIN images i ON i.id = l.image_id
              JOIN studies s ON s.id = i.study_id WHERE s.patient_id = p.id) AS labeled
         FROM patients p ORDER BY p.code`,
      )
      .all() as PatientSummary[];
  }

  listStudies(patientCode?: string): StudySummary[] {
    return this.db
      .prepare(
        `SELECT s.id, s.patient_id AS patientId, p.code AS patientCode, s.name, s.study_date AS studyDate,
           s.source_folder AS sourceFolder, s.note, s.created_at AS createdAt,
           (SELECT count(*) FROM images i WHERE i.study_id = s.id) AS images,
           (SELECT count(*) FROM current_labels l JOIN images i ON i.id = l.image_id
              WHERE i.study_id = s.id) AS labeled
         FROM studies s JOIN patients p ON p.id = s.patient_id
         WHERE @patient IS NULL OR p.code = @patient
         ORDER BY p.code, s.created_at, s.id`,
      )
      .all({ patient: patientCode ?? null }) as StudySummary[];
  }
}
