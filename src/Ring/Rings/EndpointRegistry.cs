using System;
using System.Threading;

namespace RingIpc;

/// <summary>
/// The endpoint registry (header offset 1024): 32 slots of 128 bytes (<see cref="EndpointSlotFields"/>), one per
/// attached producer. A slot names its producer by pid and process start time, so liveness is decided without
/// guessing (<see cref="ProcessLiveness"/>); it carries the producer's claim intent, which lets a consumer repair
/// a reservation whose producer died before marking it (<see cref="GapRepair"/>), its counters, and a heartbeat
/// for tooling. A claim marker names its slot (<see cref="ClaimMarkers"/>), and bit <c>i</c> of the header's
/// producers-asleep word is slot <c>i</c>'s.
/// </summary>
/// <remarks>
/// A producer takes a free slot, or a dead producer's slot once the consumer has passed its last reservation
/// (so no marker or intent of the dead one is still ahead of the head), with a compare-and-swap of the owner word,
/// whose generation half makes the swap immune to ABA. It then stores its start time and, with release, the owner
/// word that start time belongs to: a reader that finds them disagreeing treats the start time as unknown (pid
/// only) rather than judging the new owner by the old one's start time. A 33rd producer is refused
/// (<see cref="RingRoleException"/>): it could not be recovered from if it died, and the ring promises that.
/// </remarks>
internal readonly unsafe struct EndpointRegistry
{
    /// <summary>Where the registry starts in the header.</summary>
    public const int Offset = 1024;

    /// <summary>How many producers a ring can have attached at once (one bit each in a 32-bit word).</summary>
    public const int SlotCount = 32;

    private readonly byte* _base;

    public EndpointRegistry(byte* header)
    {
        _base = header + Offset;
    }

    /// <summary>Slot <paramref name="index"/>, from 0 to <see cref="SlotCount"/> − 1.</summary>
    public EndpointSlot this[int index]
    {
        get
        {
            if ((uint)index >= SlotCount)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"A registry slot is from 0 to {SlotCount - 1}.");
            }

            return new EndpointSlot(_base + (index * EndpointSlotFields.Size), index);
        }
    }

    /// <summary>Takes a slot for this process's producer: a free one, else a dead producer's whose last reservation
    /// ended at or before <paramref name="head"/>.</summary>
    /// <param name="head">The head, read by the caller: reservations before it are consumed.</param>
    /// <param name="fenceModeCommits">Whether the producer takes part in fence mode (<see cref="FenceMode"/>).</param>
    /// <param name="ownerWord">The owner word taken, to free the slot with.</param>
    /// <returns>The slot's index, or -1 if every slot is held.</returns>
    public int TryRegister(long head, bool fenceModeCommits, out long ownerWord)
    {
        ownerWord = 0;
        ProcessIdentity me = ProcessIdentity.Current;
        EndpointSlot.WarmUpPublish(me);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < SlotCount; i++)
            {
                EndpointSlot slot = this[i];
                long owner = slot.Owner.LoadAcquire();
                bool take = pass == 0
                    ? EndpointSlot.PidOf(owner) == 0
                    : EndpointSlot.PidOf(owner) != 0 && slot.IsReusable(owner, head);
                long taken = EndpointSlot.NextOwner(owner, me.ProcessId);
                if (take && slot.Owner.CompareAndSwap(owner, taken))
                {
                    slot.Publish(me, taken, fenceModeCommits);
                    ownerWord = taken;
                    return i;
                }
            }
        }

        return -1;
    }
}

/// <summary>One registry slot (see <see cref="EndpointRegistry"/> and <see cref="EndpointSlotFields"/>).</summary>
internal readonly unsafe struct EndpointSlot
{
    private readonly byte* _slot;

    public EndpointSlot(byte* slot, int index)
    {
        _slot = slot;
        Index = index;
    }

    public int Index { get; }

    /// <summary>pid | generation &lt;&lt; 32; pid 0 = free.</summary>
    public SharedInt64 Owner => new(_slot + EndpointSlotFields.Offsets.Owner);

    public SharedInt64 Heartbeat => new(_slot + EndpointSlotFields.Offsets.Heartbeat);

    public SharedInt64 IntentPosition => new(_slot + EndpointSlotFields.Offsets.IntentPosition);

    public SharedInt32 IntentLength => new(_slot + EndpointSlotFields.Offsets.IntentLength);

    public EndpointCounters Counters => new(_slot + EndpointSlotFields.Offsets.Counters);

    /// <summary>This slot's bit in the producers-asleep word.</summary>
    public int AsleepBit => 1 << Index;

    private SharedInt64 StartTime => new(_slot + EndpointSlotFields.Offsets.StartTime);

    private SharedInt64 StartTimeOwner => new(_slot + EndpointSlotFields.Offsets.StartTimeOwner);

    private SharedInt64 PidNamespace => new(_slot + EndpointSlotFields.Offsets.PidNamespace);

    /// <summary>1 if the holder takes part in fence mode (see <see cref="EndpointSlotFields.FenceModeCommits"/>).</summary>
    public SharedInt32 FenceModeCommits => new(_slot + EndpointSlotFields.Offsets.FenceModeCommits);

    public static int PidOf(long owner) => (int)owner;

    /// <summary>The owner word after <paramref name="owner"/> when process <paramref name="processId"/> takes the slot.</summary>
    public static long NextOwner(long owner, int processId) => ((owner >> 32) + 1) << 32 | (uint)processId;

    /// <summary>The holder's identity, read consistently: the start time only if it was written for the current
    /// owner word (else 0, unknown).</summary>
    /// <returns><c>false</c> if the slot is free.</returns>
    public bool TryReadOwner(out ProcessIdentity identity, out long owner) => TryReadOwner(out identity, out owner, out _);

    /// <summary><see cref="TryReadOwner(out ProcessIdentity, out long)"/>, and the holder's pid namespace, read
    /// consistently like the start time: <paramref name="pidNamespace"/> is null while the slot is being taken (or its
    /// taker died in those few instructions), 0 if the holder did not know its namespace.</summary>
    private bool TryReadOwner(out ProcessIdentity identity, out long owner, out long? pidNamespace)
    {
        owner = Owner.LoadAcquire();
        long writtenFor = StartTimeOwner.LoadAcquire();
        long startTime = StartTime.LoadAcquire();
        pidNamespace = PidNamespace.LoadAcquire();
        long ownerAgain = Owner.LoadAcquire();
        if (ownerAgain != owner || writtenFor != owner)
        {
            startTime = 0; // being taken right now, or its start time not written yet
            pidNamespace = null;
            owner = ownerAgain;
        }

        identity = new ProcessIdentity(PidOf(owner), startTime);
        return identity.ProcessId != 0;
    }

    /// <summary>Whether the holder read as <paramref name="identity"/> is dead. Never guessed: see
    /// <see cref="ProcessLiveness"/>; a holder in another pid namespace than this process's counts as alive, since its
    /// pid means another process here (a claim of a live producer must never be revoked: a fence-mode commit is a plain
    /// store that cannot fail, <see cref="FenceMode"/>), and so does one whose namespace is not written yet (a slot
    /// being taken: its pid alone could be another namespace's). The price: a taker that dies between taking the slot
    /// and publishing its identity — a few dozen instructions, as <see cref="WarmUpPublish"/> compiles them beforehand —
    /// leaves the slot held for good (one of 32), and the ring never stale.</summary>
    private static bool IsDead(ProcessIdentity identity, long? pidNamespace) =>
        (pidNamespace == 0 || pidNamespace == RingIpc.PidNamespace.Current) && !ProcessLiveness.IsAlive(identity);

    /// <summary>Whether the slot is held by a process that is dead (never guessed: see <see cref="ProcessLiveness"/>).</summary>
    public bool IsHeldByDeadProcess() => TryReadOwner(out ProcessIdentity identity, out _, out long? pidNamespace) && IsDead(identity, pidNamespace);

    /// <summary>Whether the slot, held by owner word <paramref name="owner"/>, may be taken over: its holder is dead
    /// and its last reservation ended at or before <paramref name="head"/>.</summary>
    public bool IsReusable(long owner, long head)
    {
        if (!TryReadOwner(out ProcessIdentity identity, out long current, out long? pidNamespace) || current != owner || !IsDead(identity, pidNamespace))
        {
            return false;
        }

        int length = IntentLength.LoadAcquire();
        return length == 0 || IntentPosition.LoadSingleWriter() + length <= head;
    }

    /// <summary>Runs <see cref="Publish"/> once per process on a scratch slot, so that its first real run, between a
    /// slot's compare-and-swap and the identity it publishes, compiles nothing and reads no file (the pid namespace):
    /// a process killed in that window leaves the slot held for good (<see cref="IsDead"/>).</summary>
    public static void WarmUpPublish(ProcessIdentity me)
    {
        if (Volatile.Read(ref _publishWarmedUp))
        {
            return;
        }

        byte* scratch = stackalloc byte[EndpointSlotFields.Size];
        new Span<byte>(scratch, EndpointSlotFields.Size).Clear();
        new EndpointSlot(scratch, 0).Publish(me, NextOwner(0, me.ProcessId), fenceModeCommits: false);
        Volatile.Write(ref _publishWarmedUp, true);
    }

    private static bool _publishWarmedUp;

    /// <summary>The new owner, right after taking the slot: records its identity and whether it takes part in fence
    /// mode, clears the last owner's intent and counters, and stamps the heartbeat.</summary>
    public void Publish(ProcessIdentity me, long owner, bool fenceModeCommits)
    {
        IntentLength.StoreRelease(0);
        IntentPosition.StoreSingleWriter(0);
        Counters.Reset();
        StartTime.StoreRelease(me.StartTime);
        PidNamespace.StoreRelease(RingIpc.PidNamespace.Current);

        // Store, then full fence, before this producer's first load of the ring's fence-mode bit: a consumer that
        // clears the bit and then reads this word either sees 1 here or is seen by every later load of the bit (FenceMode).
        FenceModeCommits.StoreFullFence(fenceModeCommits ? 1 : 0);
        StartTimeOwner.StoreRelease(owner); // after the start time: a reader that sees it sees the start time
        Beat();
    }

    /// <summary>Stores the claim intent, before the reservation it announces (plain stores: see
    /// <see cref="Atomics.StoreSingleWriter"/>; the reservation's compare-and-swap or release store follows).</summary>
    public void StoreIntent(long position, int length)
    {
        IntentPosition.StoreSingleWriter(position);
        IntentLength.StoreRelease(length);
    }

    /// <summary>Stamps the heartbeat (for tooling only).</summary>
    public void Beat() => Heartbeat.StoreSingleWriter(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>Frees the slot taken as owner word <paramref name="owner"/> (its producer detached with every claim
    /// completed); keeps the generation.</summary>
    public void Free(long owner) => Owner.CompareAndSwap(owner, owner & ~0xFFFF_FFFFL);
}
