using System.Runtime.InteropServices;

namespace CapOS.Kernel.Io;

/// <summary>What a <see cref="DiskRequest"/> asks of the disk.</summary>
public enum DiskOperation : byte
{
    Read = 0,
    Write = 1,

    /// <summary>
    /// Makes every write that completed before this request was submitted durable.
    /// The checkpoint's commit protocol depends on it (docs/checkpoint.md).
    /// </summary>
    Flush = 2,
}

/// <summary>Life cycle of a <see cref="DiskRequest"/>.</summary>
public enum DiskStatus : byte
{
    /// <summary>Not submitted, or reaped by its owner.</summary>
    Idle = 0,

    /// <summary>Owned by the driver; the owner must not touch the request or its buffer.</summary>
    Pending = 1,

    /// <summary>Completed successfully.</summary>
    Done = 2,

    /// <summary>Completed with an error; see <see cref="DiskRequest.Error"/>.</summary>
    Failed = 3,
}

/// <summary>Why a request failed. Reaches the caller; never ignored.</summary>
public enum DiskError : byte
{
    None = 0,

    /// <summary>No block device is attached.</summary>
    NoDevice = 1,

    /// <summary>The request lies outside the device or its buffer is malformed.</summary>
    BadRequest = 2,

    /// <summary>The device reported an I/O error.</summary>
    IoError = 3,

    /// <summary>The device does not support the operation.</summary>
    Unsupported = 4,

    /// <summary>The device answered with something the driver does not understand.</summary>
    BadResponse = 5,
}

/// <summary>
/// One block request: the unit of asynchronous disk I/O (docs/io.md).
/// </summary>
/// <remarks>
/// I1: from a successful <see cref="BlockDevice.Submit"/> until the driver sets
/// <see cref="Status"/> to Done or Failed, the request and its buffer stay at the
/// same kernel address and only the driver writes them.
/// I2: <see cref="Buffer"/> holds <see cref="SectorCount"/> * 512 bytes and does not
/// cross a 4 KiB page boundary unless the pages behind it are physically contiguous.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct DiskRequest
{
    /// <summary>Set by the owner before submission.</summary>
    public DiskOperation Operation;

    /// <summary>Pending while the driver owns the request; Done/Failed set by the driver.</summary>
    public DiskStatus Status;

    /// <summary>Set by the driver with <see cref="DiskStatus.Failed"/>.</summary>
    public DiskError Error;

    /// <summary>First 512-byte sector. Owner-set; ignored for Flush.</summary>
    public ulong Sector;

    /// <summary>Number of 512-byte sectors. Owner-set; zero for Flush.</summary>
    public uint SectorCount;

    /// <summary>Kernel virtual address of the data. Owner-set.</summary>
    public byte* Buffer;

    /// <summary>Owner's cookie (e.g. the object frame the read fills). The driver never reads it.</summary>
    public ulong Tag;

    /// <summary>Driver-private link while Pending.</summary>
    public DiskRequest* Next;
}
