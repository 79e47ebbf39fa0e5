import { Alert, AlertTitle, MenuItem, Stack, TextField, Typography } from '@mui/material';
import type { JSX } from 'react';
import { describeScheduledOutcome, type RetrainScheduleStatus } from '../../api/schedule';
import {
  RETRAIN_DEPTHS,
  RETRAIN_SCHEDULES,
  WEEKDAYS,
  type RetrainDepth,
  type RetrainSchedule,
  type SettingKey,
  type Settings,
} from '../../api/settings';
import { CallStateView } from '../CallStateView';
import { useApiCall } from '../useApi';
import { NumberSettingField } from './NumberSettingField';
import { formatDateTime, formatWeekdayDateTime } from '../format/dateTime';

const SCHEDULE_LABELS: Record<RetrainSchedule, string> = {
  off: 'Off',
  daily: 'Every day',
  weekly: 'Every week',
};

const DEPTH_LABELS: Record<RetrainDepth, string> = {
  head: 'The classifier only',
  deep: 'The top of the network too (deep)',
};

const DEPTH_HELP: Record<RetrainDepth, string> = {
  head: 'Seconds: a new classifier on the images’ cached features.',
  deep: 'Fine-tunes the top of the network with the classifier: tens of minutes on a CPU, best overnight.',
};

const capitalized = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** The retraining schedule's settings, and what it did last and will do next. */
export function RetrainScheduleFields({
  settings,
  errors,
  save,
}: {
  settings: Settings;
  errors: Partial<Record<SettingKey, string>>;
  save: (key: SettingKey, value: number | string) => void;
}): JSX.Element {
  // A changed schedule moves the next run: the status is asked again whenever one of these changes.
  const statusKey = [
    settings.retrainSchedule,
    settings.retrainTime,
    settings.retrainWeekday,
    settings.retrainMinNewLabels,
  ].join(' ');
  return (
    <Stack spacing={2} component="section" aria-label="Scheduled retraining">
      <Typography variant="h6" component="h3">
        Scheduled retraining
      </Typography>
      <TextField
        select
        label="Retrain"
        value={settings.retrainSchedule}
        error={errors.retrainSchedule !== undefined}
        helperText={
          errors.retrainSchedule ??
          'In the background, on this clinic’s labels; a retrained model replaces the active one only if it is not worse.'
        }
        onChange={(e) => save('retrainSchedule', e.target.value)}
      >
        {RETRAIN_SCHEDULES.map((schedule) => (
          <MenuItem key={schedule} value={schedule}>
            {SCHEDULE_LABELS[schedule]}
          </MenuItem>
        ))}
      </TextField>
      {settings.retrainSchedule === 'weekly' && (
        <TextField
          select
          label="On"
          value={settings.retrainWeekday}
          error={errors.retrainWeekday !== undefined}
          helperText={errors.retrainWeekday}
          onChange={(e) => save('retrainWeekday', e.target.value)}
        >
          {WEEKDAYS.map((day) => (
            <MenuItem key={day} value={day}>
              {capitalized(day)}
            </MenuItem>
          ))}
        </TextField>
      )}
      {settings.retrainSchedule !== 'off' && (
        <TextField
          label="At"
          type="time"
          defaultValue={settings.retrainTime}
          error={errors.retrainTime !== undefined}
          helperText={
            errors.retrainTime ?? 'This computer’s time; a run missed while it slept runs when it wakes.'
          }
          slotProps={{ htmlInput: { 'aria-label': 'Retraining time' } }}
          onBlur={(e) => {
            if (e.target.value !== settings.retrainTime) save('retrainTime', e.target.value);
          }}
        />
      )}
      {settings.retrainSchedule !== 'off' && (
        <TextField
          select
          label="What it retrains"
          value={settings.retrainDepth}
          error={errors.retrainDepth !== undefined}
          helperText={errors.retrainDepth ?? DEPTH_HELP[settings.retrainDepth]}
          onChange={(e) => save('retrainDepth', e.target.value)}
        >
          {RETRAIN_DEPTHS.map((depth) => (
            <MenuItem key={depth} value={depth}>
              {DEPTH_LABELS[depth]}
            </MenuItem>
          ))}
        </TextField>
      )}
      <NumberSettingField
        settingKey="retrainMinNewLabels"
        label="New labels needed"
        help="A scheduled retraining is skipped until this many images were labeled since the last one"
        value={settings.retrainMinNewLabels}
        error={errors.retrainMinNewLabels}
        save={save}
      />
      <ScheduleStatus key={statusKey} />
    </Stack>
  );
}

function ScheduleStatus(): JSX.Element {
  const { state, reload } = useApiCall('retrainSchedule', undefined);
  return (
    <CallStateView
      state={state}
      reload={reload}
      busyLabel="Loading the retraining schedule"
      errorTitle="Could not read the retraining schedule"
    >
      {(status) => <ScheduleStatusText status={status} />}
    </CallStateView>
  );
}

/** The window's one way of writing a date and time, local to the reader. */
const when = (iso: string): string => formatDateTime(iso);
/** The next run is set by weekday and time, so it is read back with its weekday. */
const next = (iso: string): string => formatWeekdayDateTime(iso);

function ScheduleStatusText({ status }: { status: RetrainScheduleStatus }): JSX.Element {
  const last = status.lastRun;
  const lastText = last?.outcome ? describeScheduledOutcome(last.outcome) : null;
  return (
    <Stack spacing={1} data-testid="retrain-schedule-status">
      <Typography variant="body2">
        {status.nextRun === null
          ? 'Scheduled retraining is off.'
          : new Date(status.nextRun) <= new Date()
            ? `Due since ${next(status.nextRun)}: it starts as soon as no other job is running.`
            : `Next: ${next(status.nextRun)}.`}{' '}
        {status.newLabels} of {status.minNewLabels} images labeled since the last retraining.
      </Typography>
      {last && (
        <Alert
          severity={
            last.outcome?.kind === 'failed' ? 'error' : last.outcome?.kind === 'rejected' ? 'warning' : 'info'
          }
        >
          <AlertTitle>
            {lastText?.title ?? 'Scheduled retraining started'}, {when(last.at)}
          </AlertTitle>
          {lastText?.body ?? 'No outcome recorded yet: it is still running, or the app was closed during it.'}
        </Alert>
      )}
    </Stack>
  );
}
