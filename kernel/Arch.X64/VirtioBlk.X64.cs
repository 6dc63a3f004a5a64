using System.Runtime.InteropServices;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Io;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The virtio-blk driver (virtio 1.x §5.2) behind the metal half of the block-device seam.
/// </summary>
/// <remarks>
/// Theory of operation (docs/io.md "The virtio-blk driver"): the first call to the seam
/// probes. The driver finds the first virtio-blk PCI function, speaks the modern (1.0)
/// transport, negotiates VERSION_1 plus FLUSH, SEG_MAX and RO when offered, and sets up
/// request queue 0 with up to 256 entries. Each request is one descriptor chain: a 16-byte
/// header, one data descriptor per 4 KiB page the buffer touches (I2), and a status byte;
/// header and status live in a per-head <see cref="VirtioBlkSlot"/>. Completions raise
/// MSI-X vector <see cref="Vector"/> at the local APIC; the handler only acknowledges, and
/// <see cref="Poll"/> reaps the used ring. Anything the device reports that the driver did
/// not ask for makes the driver fail every request in flight with BadResponse, reset the
/// device and report the disk gone (I4: never a hang, never a silent drop).
/// </remarks>
internal static unsafe partial class VirtioBlk
{
    /// <summary>The interrupt vector of queue completions (just above the timer's).</summary>
    public const byte Vector = 0x41;

    private const ushort VendorVirtio = 0x1AF4;
    private const ushort DeviceTransitional = 0x1001;
    private const ushort DeviceModern = 0x1042;

    private const ulong FeatureSegMax = 1UL << 2;
    private const ulong FeatureReadOnly = 1UL << 5;
    private const ulong FeatureFlush = 1UL << 9;
    private const ulong FeatureVersion1 = 1UL << 32;

    private const int ConfigCapacity = 0;
    private const int ConfigSegMax = 12;

    /// <summary>0 not probed yet, 1 present, 2 absent (or given up).</summary>
    private static byte s_state;

    /// <summary>The device, in a page of its own; valid while <see cref="s_state"/> is 1.</summary>
    private static VirtioBlkDevice* s_device;

    /// <summary>Completion interrupts taken; written only by <see cref="OnInterrupt"/>.</summary>
    private static ulong s_interrupts;

    public static bool Present()
    {
        if (s_state == 0)
        {
            s_state = Probe() ? (byte)1 : (byte)2;
        }

        return s_state == 1;
    }

    public static ulong SectorCount() => Present() ? s_device->Capacity : 0;

    public static ulong Interrupts => s_interrupts;

    /// <summary>The completion interrupt: acknowledge; <see cref="Poll"/> does the work.</summary>
    public static void OnInterrupt()
    {
        s_interrupts++;
        Timer.EndOfInterrupt();
    }

    /// <summary>Halts until an interrupt (a completion, or the timer at the latest).</summary>
    public static void Wait()
    {
        if (Present() && s_device->Queue.InFlight > 0)
        {
            Cpu.WaitForInterrupt();
        }
    }

    private static bool Probe()
    {
        uint bdf = Pci.Find(VendorVirtio, DeviceTransitional, DeviceModern);
        if (bdf == Pci.None)
        {
            Log.WriteLine("disk: no virtio-blk device; no disk");
            return false;
        }

        ulong page = PageAllocator.AllocateZeroedPage();
        if (page == 0)
        {
            return GiveUp(null, "no memory for the driver");
        }

        VirtioBlkDevice* device = (VirtioBlkDevice*)Paging.PhysicalToVirtual(page);
        Log.Write("disk: virtio-blk at pci ");
        Pci.WriteLocation(bdf);
        Log.WriteLine();
        if (!device->Transport.Locate(bdf))
        {
            return GiveUp(device, "no virtio 1.0 (modern) registers");
        }

        Pci.Write16(bdf, Pci.Command, (ushort)(Pci.Read16(bdf, Pci.Command) | Pci.CommandMemorySpace | Pci.CommandBusMaster));
        if (!device->Transport.Reset())
        {
            return GiveUp(device, "device does not reset");
        }

        device->Transport.SetStatus(VirtioPci.StatusAcknowledge | VirtioPci.StatusDriver);
        if (!Negotiate(device) || !SetUpQueue(device))
        {
            return false;
        }

        device->Capacity = device->Transport.ReadDeviceConfig64(ConfigCapacity);
        device->Transport.SetStatus(VirtioPci.StatusAcknowledge | VirtioPci.StatusDriver | VirtioPci.StatusFeaturesOk | VirtioPci.StatusDriverOk);
        s_device = device;
        Report(device);
        return true;
    }

    private static bool Negotiate(VirtioBlkDevice* device)
    {
        ulong offered = device->Transport.DeviceFeatures();
        if ((offered & FeatureVersion1) == 0)
        {
            return GiveUp(device, "device does not offer VIRTIO_F_VERSION_1");
        }

        ulong accepted = offered & (FeatureVersion1 | FeatureFlush | FeatureSegMax | FeatureReadOnly);
        device->Transport.SetDriverFeatures(accepted);
        device->Transport.SetStatus(VirtioPci.StatusAcknowledge | VirtioPci.StatusDriver | VirtioPci.StatusFeaturesOk);
        if ((device->Transport.Status & VirtioPci.StatusFeaturesOk) == 0)
        {
            return GiveUp(device, "device refused the features (FEATURES_OK cleared)");
        }

        device->Flush = (accepted & FeatureFlush) != 0;
        device->ReadOnly = (accepted & FeatureReadOnly) != 0;
        device->SegMax = (accepted & FeatureSegMax) != 0 ? device->Transport.ReadDeviceConfig32(ConfigSegMax) : 0;
        return true;
    }

    private static bool SetUpQueue(VirtioBlkDevice* device)
    {
        ushort maximum = device->Transport.SelectQueue(0);
        if (maximum < 4)
        {
            return GiveUp(device, "request queue 0 missing or smaller than 4");
        }

        ushort size = 4;
        while (size * 2 <= maximum && size * 2 <= VirtQueue.MaxSize)
        {
            size *= 2;
        }

        if (!device->Queue.Initialize(size) || !AllocateSlots(device, size))
        {
            return GiveUp(device, "no memory for the request queue");
        }

        uint limit = (uint)size - 2;
        device->SegMax = device->SegMax == 0 || device->SegMax > limit ? limit : device->SegMax;
        device->Notify = device->Transport.ConfigureQueue(&device->Queue);
        device->Msix = Msix.Enable(device->Transport.Bdf, 0, Vector) && device->Transport.SetQueueVector(0);
        device->Transport.EnableQueue();
        return true;
    }

    private static bool AllocateSlots(VirtioBlkDevice* device, ushort size)
    {
        for (int i = 0; i < VirtioBlkDevice.SlotPageCount && i * VirtioBlkDevice.SlotsPerPage < size; i++)
        {
            ulong page = PageAllocator.AllocateZeroedPage();
            if (page == 0)
            {
                return false;
            }

            device->SlotPages[i] = (ulong)Paging.PhysicalToVirtual(page);
        }

        return true;
    }

    /// <summary>Marks the device FAILED, prints why, and leaves the disk absent. Always false.</summary>
    private static bool GiveUp(VirtioBlkDevice* device, string why)
    {
        if (device != null && device->Transport.Common != null)
        {
            device->Transport.SetStatus(VirtioPci.StatusFailed);
        }

        Log.Write("disk: virtio-blk not used: ");
        Log.Write(why);
        Log.WriteLine("; no disk");
        return false;
    }

    private static void Report(VirtioBlkDevice* device)
    {
        Log.Write("disk: sectors=");
        Log.WriteDecimal(device->Capacity);
        Log.Write(" queue=");
        Log.WriteDecimal(device->Queue.Size);
        Log.Write(" seg-max=");
        Log.WriteDecimal(device->SegMax);
        Log.Write(device->Flush ? " flush=yes" : " flush=no");
        Log.Write(device->ReadOnly ? " ro" : " rw");
        Log.WriteLine(device->Msix ? " irq=msix" : " irq=timer");
    }
}

/// <summary>The driver's state for one virtio-blk device (one allocator page; see <see cref="VirtioBlk"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirtioBlkDevice
{
    public const int SlotsPerPage = 4096 / 32;
    public const int SlotPageCount = VirtQueue.MaxSize / SlotsPerPage;

    public VirtioPci Transport;
    public VirtQueue Queue;

    /// <summary>The queue's notify register (virtio 1.x §4.1.4.4).</summary>
    public ushort* Notify;

    /// <summary>Capacity in 512-byte sectors, read once at probe.</summary>
    public ulong Capacity;

    /// <summary>Most data descriptors in one chain (the device's seg_max, at most queue size - 2).</summary>
    public uint SegMax;

    public bool Flush;
    public bool ReadOnly;

    /// <summary>True when completions arrive by MSI-X; otherwise Wait wakes on the timer.</summary>
    public bool Msix;

    /// <summary>Kernel virtual addresses of the pages holding the <see cref="VirtioBlkSlot"/>s.</summary>
    public fixed ulong SlotPages[SlotPageCount];

    public readonly VirtioBlkSlot* Slot(int head) =>
        (VirtioBlkSlot*)SlotPages[head / SlotsPerPage] + (head % SlotsPerPage);
}

/// <summary>
/// Per descriptor-chain head: the request header and status byte the device reads and writes,
/// and the request the chain serves (null while the head is free). 32 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirtioBlkSlot
{
    public const uint TypeRead = 0;
    public const uint TypeWrite = 1;
    public const uint TypeFlush = 4;

    public uint Type;
    public uint Reserved;
    public ulong Sector;

    /// <summary>VIRTIO_BLK_S_OK 0, IOERR 1, UNSUPP 2; the driver stores 0xFF before submitting.</summary>
    public byte Status;
    public byte Padding1;
    public ushort Padding2;

    /// <summary>Bytes of the chain the device may write (data of a read, plus the status byte).</summary>
    public uint Writable;

    public DiskRequest* Request;
}
