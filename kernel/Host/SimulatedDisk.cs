using System;
using System.Collections.Generic;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Host;

/// <summary>How the simulated disk's volatile write cache behaves when the power is cut.</summary>
public enum PowerLossModel
{
    /// <summary>Every completed write survives (a process crash: SIGKILL of QEMU).</summary>
    KeepCompletedWrites,

    /// <summary>Writes completed since the last flush are lost; flushed data survives.</summary>
    DropUnflushedWrites,

    /// <summary>
    /// Writes since the last flush survive or not at random (seeded), in any order,
    /// and one of them may be torn (only some of its sectors land).
    /// </summary>
    ScrambleUnflushedWrites,
}

/// <summary>Thrown out of the kernel when the simulated disk cuts the power.</summary>
public sealed class PowerLossException(long writeNumber) : Exception($"power lost after disk write #{writeNumber}")
{
    public long WriteNumber { get; } = writeNumber;
}

/// <summary>
/// The disk of the host tests: sectors in a byte array, requests queued and
/// completed on Poll/Wait (reads may be held until the test completes them: <see cref="HoldReads"/>),
/// and fault injection — cut the power after the Nth write (optionally tearing it), fail the Nth write,
/// model a volatile cache.
/// </summary>
public sealed unsafe class SimulatedDisk
{
    private readonly byte[] _durable;
    private readonly List<PendingWrite> _unflushed = [];
    private readonly Queue<nint> _queue = new();
    private readonly List<nint> _held = [];
    private Random _random = new(1);

    public SimulatedDisk(byte[] image)
    {
        if (image.Length % BlockDevice.SectorSize != 0)
        {
            throw new ArgumentException("image length must be a whole number of sectors", nameof(image));
        }

        _durable = image;
        Current = this;
    }

    /// <summary>The disk the kernel's seam calls reach; set by the constructor.</summary>
    public static SimulatedDisk? Current { get; set; }

    /// <summary>The contents as the kernel would read them now (durable plus cached writes).</summary>
    public byte[] Image => _durable;

    public long ReadCount { get; private set; }

    public long WriteCount { get; private set; }

    public long FlushCount { get; private set; }

    /// <summary>When set, the power is cut right after write number N (1-based) is applied.</summary>
    public long? PowerCutAfterWrite { get; set; }

    /// <summary>With <see cref="PowerCutAfterWrite"/>: how many sectors of the last write land (null: all).</summary>
    public int? TornSectors { get; set; }

    /// <summary>When set, write number N (1-based) fails with an I/O error and changes nothing.</summary>
    public long? FailWrite { get; set; }

    /// <summary>When set, every write from number N (1-based) on fails with an I/O error: a persistent fault.</summary>
    public long? FailWritesFrom { get; set; }

    /// <summary>When set, read number N (1-based) fails with an I/O error and fills nothing.</summary>
    public long? FailRead { get; set; }

    /// <summary>When set, every read from number N (1-based) on fails with an I/O error: a persistent fault.</summary>
    public long? FailReadsFrom { get; set; }

    /// <summary>
    /// When set, read number N (1-based) completes Done but returns garbage (seeded bytes, not the
    /// disk's), as a misbehaving device would; the disk itself is unchanged.
    /// </summary>
    public long? GarbageRead { get; set; }

    /// <summary>
    /// When set, a read is not completed by the Poll after its Submit: it is held (in flight, Pending) until the test
    /// completes it (<see cref="CompleteHeldRead"/>, <see cref="CompleteHeldReads"/>) or a synchronous caller waits
    /// (BlockDevice.Wait: time passes, every held read completes). Models a disk slower than the kernel.
    /// </summary>
    public bool HoldReads { get; set; }

    /// <summary>Reads held in flight (<see cref="HoldReads"/>), in submission order.</summary>
    public int HeldReadCount => _held.Count;

    /// <summary>The first sector of held read <paramref name="index"/>.</summary>
    public ulong HeldReadSector(int index) => ((DiskRequest*)_held[index])->Sector;

    /// <summary>Completes held read <paramref name="index"/> now (fault injection applies as for any read).</summary>
    public void CompleteHeldRead(int index)
    {
        ThrowIfPowerLost();
        nint request = _held[index];
        _held.RemoveAt(index);
        Complete((DiskRequest*)request);
    }

    /// <summary>Completes every held read, in submission order; returns how many.</summary>
    public int CompleteHeldReads()
    {
        int count = _held.Count;
        while (_held.Count > 0)
        {
            CompleteHeldRead(0);
        }

        return count;
    }

    /// <summary>What a power cut does to writes not yet flushed.</summary>
    public PowerLossModel LossModel { get; set; } = PowerLossModel.KeepCompletedWrites;

    /// <summary>Seeds the choices of <see cref="PowerLossModel.ScrambleUnflushedWrites"/>.</summary>
    public int Seed { set => _random = new Random(value); }

    /// <summary>Set once the power was cut; every later request throws.</summary>
    public bool PowerLost { get; private set; }

    /// <summary>The image a machine would find after the power cut: what survived.</summary>
    public byte[] SurvivingImage()
    {
        byte[] copy = (byte[])_durable.Clone();
        if (!PowerLost || LossModel == PowerLossModel.KeepCompletedWrites)
        {
            return copy;
        }

        // Undo the unflushed writes, then (for Scramble) replay a random subset in random order.
        for (int i = _unflushed.Count - 1; i >= 0; i--)
        {
            _unflushed[i].Before.CopyTo(copy, _unflushed[i].Offset);
        }

        if (LossModel == PowerLossModel.ScrambleUnflushedWrites)
        {
            PendingWrite[] order = [.. _unflushed];
            _random.Shuffle(order);
            foreach (PendingWrite write in order)
            {
                int keep = _random.Next(3) switch
                {
                    0 => 0,
                    1 => write.After.Length,
                    _ => _random.Next(write.After.Length / BlockDevice.SectorSize + 1) * BlockDevice.SectorSize,
                };
                Array.Copy(write.After, 0, copy, write.Offset, keep);
            }
        }

        return copy;
    }

    internal ulong SectorCount => (ulong)_durable.Length / BlockDevice.SectorSize;

    internal bool Submit(DiskRequest* request)
    {
        ThrowIfPowerLost();
        request->Status = DiskStatus.Pending;
        request->Error = DiskError.None;
        if (HoldReads && request->Operation == DiskOperation.Read)
        {
            _held.Add((nint)request);
            return true;
        }

        _queue.Enqueue((nint)request);
        return true;
    }

    internal int Poll()
    {
        ThrowIfPowerLost();
        int completed = 0;
        while (_queue.Count > 0)
        {
            Complete((DiskRequest*)_queue.Dequeue());
            completed++;
        }

        return completed;
    }

    /// <summary>A synchronous caller waits for the disk (BlockDevice.Wait): held reads complete.</summary>
    internal void Wait()
    {
        if (!PowerLost)
        {
            CompleteHeldReads();
        }
    }

    private void Complete(DiskRequest* request)
    {
        switch (request->Operation)
        {
            case DiskOperation.Flush:
                FlushCount++;
                _unflushed.Clear();
                Finish(request, DiskError.None);
                return;
            case DiskOperation.Read or DiskOperation.Write:
                break;
            default:
                Finish(request, DiskError.Unsupported);
                return;
        }

        ulong end = request->Sector + request->SectorCount;
        if (request->SectorCount == 0 || request->Buffer == null || end > SectorCount || end < request->Sector)
        {
            Finish(request, DiskError.BadRequest);
            return;
        }

        int offset = checked((int)(request->Sector * BlockDevice.SectorSize));
        int length = checked((int)request->SectorCount * BlockDevice.SectorSize);
        if (request->Operation == DiskOperation.Read)
        {
            Read(request, offset, length);
            return;
        }

        WriteCount++;
        if (FailWrite == WriteCount || WriteCount >= FailWritesFrom)
        {
            Finish(request, DiskError.IoError);
            return;
        }

        ApplyWrite(request, offset, length);
    }

    private void Read(DiskRequest* request, int offset, int length)
    {
        ReadCount++;
        var buffer = new Span<byte>(request->Buffer, length);
        if (FailRead == ReadCount || ReadCount >= FailReadsFrom)
        {
            Finish(request, DiskError.IoError);
            return;
        }

        new ReadOnlySpan<byte>(_durable, offset, length).CopyTo(buffer);
        if (GarbageRead == ReadCount)
        {
            new Random((int)ReadCount).NextBytes(buffer);
        }

        Finish(request, DiskError.None);
    }

    private void ApplyWrite(DiskRequest* request, int offset, int length)
    {
        bool cut = PowerCutAfterWrite == WriteCount;
        int landed = cut && TornSectors is int torn ? Math.Min(torn * BlockDevice.SectorSize, length) : length;
        var data = new ReadOnlySpan<byte>(request->Buffer, length);
        _unflushed.Add(new PendingWrite(offset, _durable.AsSpan(offset, length).ToArray(), data.ToArray()));
        data[..landed].CopyTo(_durable.AsSpan(offset, landed));
        if (cut)
        {
            PowerLost = true;
            throw new PowerLossException(WriteCount);
        }

        Finish(request, DiskError.None);
    }

    private static void Finish(DiskRequest* request, DiskError error)
    {
        request->Error = error;
        request->Status = error == DiskError.None ? DiskStatus.Done : DiskStatus.Failed;
    }

    private void ThrowIfPowerLost()
    {
        if (PowerLost)
        {
            throw new PowerLossException(WriteCount);
        }
    }

    private sealed record PendingWrite(int Offset, byte[] Before, byte[] After);
}
