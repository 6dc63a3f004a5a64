using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// Requests of the virtio-blk driver: building descriptor chains (Submit) and reaping the
/// used ring (Poll), with the mapping of device answers to <see cref="DiskError"/>.
/// docs/io.md "The virtio-blk driver".
/// </summary>
internal static unsafe partial class VirtioBlk
{
    private const byte DeviceOk = 0;
    private const byte DeviceIoError = 1;
    private const byte DeviceUnsupported = 2;
    private const byte NotWritten = 0xFF;
    private const int PageSize = 4096;

    /// <summary>See BlockDevice.Submit: false only when the queue has too few free descriptors.</summary>
    public static bool Submit(DiskRequest* request)
    {
        if (!Present())
        {
            Finish(request, DiskError.NoDevice);
            return true;
        }

        VirtioBlkDevice* device = s_device;
        DiskError rejected = Check(device, request);
        if (rejected != DiskError.None)
        {
            Finish(request, rejected);
            return true;
        }

        if (request->Operation == DiskOperation.Flush && !device->Flush)
        {
            Finish(request, DiskError.None); // no FLUSH offered: the device's cache is write-through
            return true;
        }

        int segments = Segments(request);
        int head = device->Queue.AllocateChain(segments + 2);
        if (head < 0)
        {
            return false;
        }

        BuildChain(device, request, (ushort)head, segments);
        request->Error = DiskError.None;
        request->Status = DiskStatus.Pending;
        device->Queue.Publish((ushort)head);
        if (!device->Queue.NotifySuppressed)
        {
            Mmio.Write16(device->Notify, 0);
        }

        return true;
    }

    /// <summary>Reaps every completion on the used ring; returns how many requests finished.</summary>
    public static int Poll()
    {
        if (!Present())
        {
            return 0;
        }

        VirtioBlkDevice* device = s_device;
        int finished = 0;
        while (device->Queue.NextUsed(out uint id, out uint length))
        {
            VirtioBlkSlot* slot = id < device->Queue.Size ? device->Slot((int)id) : null;
            if (slot == null || slot->Request == null)
            {
                return finished + Abandon(device, "used ring names a descriptor not in flight", id);
            }

            DiskRequest* request = slot->Request;
            slot->Request = null;
            device->Queue.FreeChain((ushort)id);
            Finish(request, length == 0 || length > slot->Writable ? DiskError.BadResponse : Map(slot->Status));
            finished++;
        }

        return finished;
    }

    /// <summary>Reasons to fail a request without offering it to the device.</summary>
    private static DiskError Check(VirtioBlkDevice* device, DiskRequest* request)
    {
        if (request->Operation == DiskOperation.Flush)
        {
            return DiskError.None;
        }

        if (request->Operation != DiskOperation.Read && request->Operation != DiskOperation.Write)
        {
            return DiskError.Unsupported;
        }

        ulong end = request->Sector + request->SectorCount;
        if (request->SectorCount == 0 || request->Buffer == null || end < request->Sector || end > device->Capacity)
        {
            return DiskError.BadRequest;
        }

        if (Segments(request) > device->SegMax)
        {
            return DiskError.BadRequest;
        }

        return request->Operation == DiskOperation.Write && device->ReadOnly ? DiskError.Unsupported : DiskError.None;
    }

    /// <summary>Data descriptors the request needs: one per 4 KiB page its buffer touches (I2).</summary>
    private static int Segments(DiskRequest* request)
    {
        if (request->Operation == DiskOperation.Flush)
        {
            return 0;
        }

        ulong start = (ulong)request->Buffer;
        ulong end = start + ((ulong)request->SectorCount * BlockDevice.SectorSize);
        ulong pages = ((end + PageSize - 1) / PageSize) - (start / PageSize);
        return pages > int.MaxValue ? int.MaxValue : (int)pages;
    }

    private static void BuildChain(VirtioBlkDevice* device, DiskRequest* request, ushort head, int segments)
    {
        bool read = request->Operation == DiskOperation.Read;
        uint bytes = request->SectorCount * BlockDevice.SectorSize;
        VirtioBlkSlot* slot = device->Slot(head);
        slot->Type = read ? VirtioBlkSlot.TypeRead : request->Operation == DiskOperation.Write ? VirtioBlkSlot.TypeWrite : VirtioBlkSlot.TypeFlush;
        slot->Reserved = 0;
        slot->Sector = request->Operation == DiskOperation.Flush ? 0 : request->Sector;
        slot->Status = NotWritten;
        slot->Writable = (read ? bytes : 0) + 1;
        slot->Request = request;

        VirtqDescriptor* table = device->Queue.Descriptors;
        ushort index = head;
        Describe(&table[index], Paging.VirtualToPhysical(slot), 16, VirtqDescriptor.FlagNext);
        byte* data = request->Buffer;
        for (int i = 0; i < segments; i++)
        {
            index = table[index].Next;
            uint room = PageSize - (uint)((ulong)data % PageSize);
            uint length = room < bytes ? room : bytes;
            Describe(&table[index], Paging.VirtualToPhysical(data), length, (ushort)(VirtqDescriptor.FlagNext | (read ? VirtqDescriptor.FlagDeviceWrites : 0)));
            data += length;
            bytes -= length;
        }

        index = table[index].Next;
        Describe(&table[index], Paging.VirtualToPhysical(&slot->Status), 1, VirtqDescriptor.FlagDeviceWrites);
    }

    private static void Describe(VirtqDescriptor* descriptor, ulong address, uint length, ushort flags)
    {
        descriptor->Address = address;
        descriptor->Length = length;
        descriptor->Flags = flags;
    }

    private static DiskError Map(byte status) => status switch
    {
        DeviceOk => DiskError.None,
        DeviceIoError => DiskError.IoError,
        DeviceUnsupported => DiskError.Unsupported,
        _ => DiskError.BadResponse,
    };

    private static void Finish(DiskRequest* request, DiskError error)
    {
        request->Error = error;
        request->Status = error == DiskError.None ? DiskStatus.Done : DiskStatus.Failed;
    }

    /// <summary>
    /// The device broke the protocol: reset it (so it touches no buffer again), fail every
    /// request in flight with BadResponse and report the disk gone. Returns how many failed.
    /// </summary>
    private static int Abandon(VirtioBlkDevice* device, string why, uint id)
    {
        device->Transport.Reset();
        int failed = 0;
        for (int head = 0; head < device->Queue.Size; head++)
        {
            VirtioBlkSlot* slot = device->Slot(head);
            if (slot->Request != null)
            {
                Finish(slot->Request, DiskError.BadResponse);
                slot->Request = null;
                failed++;
            }
        }

        s_state = 2;
        Log.Write("disk: virtio-blk ");
        Log.Write(why);
        Log.Write(" (id=");
        Log.WriteDecimal(id);
        Log.WriteLine("); device reset, in-flight requests failed, no disk");
        return failed;
    }
}
