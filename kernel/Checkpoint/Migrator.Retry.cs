using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Bounded retry and failure (I3): the single request, the failure counts and the Failed phase
/// (docs/checkpoint.md "Migration").
/// </summary>
public static unsafe partial class Migrator
{
    /// <summary>Submits an Idle single request; a Failed one is counted and made Idle for the next pump. True when Done.</summary>
    private static bool DriveSingle(ref CheckpointStats stats)
    {
        DiskStatus status = s_single->Status;
        if (status == DiskStatus.Idle)
        {
            CheckpointIo.Submit(s_single);
        }
        else if (status == DiskStatus.Failed)
        {
            s_diskError = s_single->Error;
            s_single->Status = DiskStatus.Idle;
            ReportWriteError(s_single, s_failures + 1);
            Retry(CheckpointError.IoError, ref stats);
        }

        return status == DiskStatus.Done;
    }

    /// <summary>K4: a failed home write, flush or Migrated-copy write is reported (a failed read is retried quietly).</summary>
    private static void ReportWriteError(DiskRequest* request, uint attempt)
    {
        if (request->Operation != DiskOperation.Read)
        {
            CheckpointMessages.WriteError(Generation.Sequence, "migrate", attempt, request->Error);
        }
    }

    /// <summary>Counts a failed or unverifiable transfer (I3); false, and Failed with <paramref name="error"/>, at the limit.</summary>
    private static bool Retry(CheckpointError error, ref CheckpointStats stats) => Retry(ref s_failures, error, ref stats);

    private static bool Retry(ref uint failures, CheckpointError error, ref CheckpointStats stats)
    {
        stats.Retries++;
        if (++failures < RetryLimit)
        {
            return true;
        }

        Fail(error);
        return false;
    }

    /// <summary>Stops issuing; in-flight copies are still reaped so their requests and buffers are released (io.md I1).</summary>
    private static void Fail(CheckpointError error)
    {
        s_error = error;
        s_phase = MigrationPhase.Failed;
    }

    private static void AdvanceFailed(ref CheckpointStats stats)
    {
        for (int i = 0; i < Slots; i++)
        {
            CopySlot* slot = s_slots + i;
            if (slot->State != SlotFree && slot->Request.Status != DiskStatus.Pending)
            {
                slot->State = SlotFree;
                s_inFlight--;
            }
        }
    }
}
