using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// The only place that reads or writes ordered values in shared memory: the static accessors, and the typed
/// shared words <see cref="SharedInt32"/> and <see cref="SharedInt64"/> that name a header field or a record
/// header once and then expose only the accesses below.
/// </summary>
/// <remarks>
/// <para>Memory-ordering argument. The ring protocol needs exactly four things:</para>
/// <list type="number">
/// <item>A <b>release store</b> for every value that publishes data written before it (a record's
/// committed length, the head after the consumer zeroed what it consumed, the tail). The peer's
/// <b>acquire load</b> of that value then sees every byte written before the store.</item>
/// <item>A <b>compare-and-swap</b> for the MPSC claim position, so that two producers never
/// reserve the same bytes. A CAS is a full fence on every platform .NET runs on.</item>
/// <item><b>Untorn 64-bit values</b> in 32-bit processes. An aligned 8-byte load or store is
/// single-copy atomic on a 64-bit process, so <see cref="Volatile"/> suffices there. In a 32-bit
/// process a plain <c>long</c> access is two 4-byte accesses and tears (measured in 32-bit Mono,
/// DESIGN.md §3, and by the 32-bit atomics test, whose plain-read control must tear), so we use
/// <see cref="Interlocked"/>, whose atomicity is documented for 32-bit runtimes (it is
/// <c>lock cmpxchg8b</c> on x86, and a full fence, stronger than we need).</item>
/// <item>A <b>store that is a full fence</b> where the eventcount handshake (DESIGN.md §3) needs
/// store→load order: a producer stores a committed length and then loads the consumer-waiting flag;
/// the consumer stores the flag and then re-loads the length. With only release/acquire, each side's
/// load could be satisfied before its own store is visible (x86 store buffer), both would miss the
/// other, and the consumer would sleep through the commit. <see cref="Interlocked.Exchange(ref int, int)"/>
/// (<c>xchg</c>, implicitly locked on x86) is that store and fence in one instruction.</item>
/// </list>
/// <para>Values with a <b>single writer</b> that nobody synchronizes on — an endpoint's counters and claim intent,
/// read by tooling and by crash recovery — use <see cref="StoreSingleWriter"/>: a plain 8-byte store in a
/// 64-bit process, and in a 32-bit process two 4-byte stores, low half first, so that no locked instruction is
/// paid per message. A reader in a 32-bit process (<see cref="LoadSingleWriter"/>) reads high, low, high and
/// retries while the high halves differ; a read that overlaps the writer's two stores can still see the new low
/// half with the old high half (2^32 too small, at most once per 2^32 of the value) — tolerable for the
/// counters, and the recovery that reads an intent only does so after its writer died, when it no longer changes
/// (an intent torn by the death itself was never acted on: its compare-and-swap comes after both stores).
/// The same store writes the headers of a batch's records after its first (<see cref="RingBatch"/>): no reader loads
/// them before it has acquired the first header, whose commit (item 1) comes after them, so they need no order of
/// their own and may even tear.</para>
/// <para><see cref="IntPtr.Size"/> is a JIT-time constant, so the untaken branch costs nothing, and the typed
/// words are one-pointer structs whose methods inline to the same instructions as the static accessors. The accessors
/// of a message's path (and the consumer's release) are forced inline: in a large hot method the JIT's inlining budget
/// runs out, and it then left them, and the producer's <c>HeaderAt</c>, as calls (seen in <c>TryWrite</c>'s code).
/// Every 64-bit field in a section sits at an 8-aligned offset (the header's offsets are pinned by a test,
/// records are 8-aligned).</para>
/// </remarks>
internal static unsafe class Atomics
{
    /// <summary>Acquire load of a shared 64-bit value, untorn in 32- and 64-bit processes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadAcquire(long* address) =>
        IntPtr.Size == 8 ? Volatile.Read(ref *address) : Interlocked.Read(ref *address);

    /// <summary>Release store of a shared 64-bit value, untorn in 32- and 64-bit processes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRelease(long* address, long value)
    {
        if (IntPtr.Size == 8)
        {
            Volatile.Write(ref *address, value);
        }
        else
        {
            Interlocked.Exchange(ref *address, value);
        }
    }

    /// <summary>Atomically replaces <paramref name="expected"/> by <paramref name="value"/>; full fence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool CompareAndSwap(long* address, long expected, long value) =>
        Interlocked.CompareExchange(ref *address, value, expected) == expected;

    /// <summary>Stores <paramref name="value"/> and then fences: no later load happens before the store is visible.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFullFence(long* address, long value) => Interlocked.Exchange(ref *address, value);

    /// <summary>Stores <paramref name="value"/> and then fences: no later load happens before the store is visible.</summary>
    public static void StoreFullFence(int* address, int value) => Interlocked.Exchange(ref *address, value);

    /// <summary>Atomically replaces the value and returns the old one; full fence.</summary>
    public static int Exchange(int* address, int value) => Interlocked.Exchange(ref *address, value);

    /// <summary>Atomically adds one and returns the new value; full fence.</summary>
    public static int Increment(int* address) => Interlocked.Increment(ref *address);

    /// <summary>Stores a value that only this thread writes (see the remarks): no fence, no locked instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSingleWriter(long* address, long value)
    {
        if (IntPtr.Size == 8)
        {
            Volatile.Write(ref *address, value);
        }
        else
        {
            Volatile.Write(ref *(int*)address, (int)value); // little-endian: the low half first
            Volatile.Write(ref *((int*)address + 1), (int)(value >> 32));
        }
    }

    /// <summary>The single writer adds to its value: a plain read of its own last store, then
    /// <see cref="StoreSingleWriter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddSingleWriter(long* address, long amount) => StoreSingleWriter(address, *address + amount);

    /// <summary>Reads a value stored with <see cref="StoreSingleWriter"/> (see the remarks for the one torn case).</summary>
    public static long LoadSingleWriter(long* address)
    {
        if (IntPtr.Size == 8)
        {
            return Volatile.Read(ref *address);
        }

        int* halves = (int*)address;
        int high = Volatile.Read(ref halves[1]);
        for (int attempt = 0; ; attempt++)
        {
            uint low = (uint)Volatile.Read(ref halves[0]);
            int highAgain = Volatile.Read(ref halves[1]);
            if (highAgain == high || attempt == 3) // bounded: a hostile writer cannot hold a reader here
            {
                return ((long)highAgain << 32) | low;
            }

            high = highAgain;
        }
    }

    /// <summary>Atomically sets the bits of <paramref name="bits"/>; full fence.</summary>
    public static void Or(int* address, int bits)
    {
        int value = Volatile.Read(ref *address);
        while (true)
        {
            int seen = Interlocked.CompareExchange(ref *address, value | bits, value);
            if (seen == value)
            {
                return;
            }

            value = seen;
        }
    }

    /// <summary>Atomically clears the bits of <paramref name="bits"/>; full fence.</summary>
    /// <returns>Whether any of them was set.</returns>
    public static bool Clear(int* address, int bits)
    {
        int value = Volatile.Read(ref *address);
        while (true)
        {
            int seen = Interlocked.CompareExchange(ref *address, value & ~bits, value);
            if (seen == value)
            {
                return (value & bits) != 0;
            }

            value = seen;
        }
    }

    /// <summary>Atomically replaces <paramref name="expected"/> with <paramref name="value"/>; full fence.</summary>
    /// <returns>Whether the value was <paramref name="expected"/> (and is now <paramref name="value"/>).</returns>
    public static bool CompareAndSwap(int* address, int expected, int value) =>
        Interlocked.CompareExchange(ref *address, value, expected) == expected;

    /// <summary>Acquire load of a shared 32-bit value (aligned 4-byte loads never tear).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadAcquire(int* address) => Volatile.Read(ref *address);

    /// <summary>Release store of a shared 32-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRelease(int* address, int value) => Volatile.Write(ref *address, value);
}

/// <summary>A 64-bit word in shared memory (a position, a record header), accessed only with the orderings of
/// <see cref="Atomics"/>: untorn in 32-bit processes too.</summary>
internal readonly unsafe struct SharedInt64
{
    private readonly long* _address;

    public SharedInt64(long* address)
    {
        _address = address;
    }

    public SharedInt64(byte* address)
    {
        _address = (long*)address;
    }

    /// <summary>The word's address.</summary>
    public long* Address => _address;

    /// <inheritdoc cref="Atomics.LoadAcquire(long*)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long LoadAcquire() => Atomics.LoadAcquire(_address);

    /// <inheritdoc cref="Atomics.StoreRelease(long*, long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreRelease(long value) => Atomics.StoreRelease(_address, value);

    /// <inheritdoc cref="Atomics.StoreFullFence(long*, long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreFullFence(long value) => Atomics.StoreFullFence(_address, value);

    /// <inheritdoc cref="Atomics.CompareAndSwap(long*, long, long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareAndSwap(long expected, long value) => Atomics.CompareAndSwap(_address, expected, value);

    /// <inheritdoc cref="Atomics.StoreSingleWriter(long*, long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreSingleWriter(long value) => Atomics.StoreSingleWriter(_address, value);

    /// <inheritdoc cref="Atomics.LoadSingleWriter(long*)"/>
    public long LoadSingleWriter() => Atomics.LoadSingleWriter(_address);
}

/// <summary>A 32-bit word in shared memory (a flag, a count, a futex sequence, a pid), accessed only with the
/// orderings of <see cref="Atomics"/>.</summary>
internal readonly unsafe struct SharedInt32
{
    public SharedInt32(int* address)
    {
        Address = address;
    }

    public SharedInt32(byte* address)
    {
        Address = (int*)address;
    }

    /// <summary>The word's address, for the kernel's futex calls.</summary>
    public int* Address { get; }

    /// <inheritdoc cref="Atomics.LoadAcquire(int*)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LoadAcquire() => Atomics.LoadAcquire(Address);

    /// <inheritdoc cref="Atomics.StoreRelease(int*, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreRelease(int value) => Atomics.StoreRelease(Address, value);

    /// <inheritdoc cref="Atomics.StoreFullFence(int*, int)"/>
    public void StoreFullFence(int value) => Atomics.StoreFullFence(Address, value);

    /// <inheritdoc cref="Atomics.Exchange(int*, int)"/>
    public int Exchange(int value) => Atomics.Exchange(Address, value);

    /// <inheritdoc cref="Atomics.Increment(int*)"/>
    public int Increment() => Atomics.Increment(Address);

    /// <inheritdoc cref="Atomics.CompareAndSwap(int*, int, int)"/>
    public bool CompareAndSwap(int expected, int value) => Atomics.CompareAndSwap(Address, expected, value);

    /// <inheritdoc cref="Atomics.Or(int*, int)"/>
    public void Or(int bits) => Atomics.Or(Address, bits);

    /// <inheritdoc cref="Atomics.Clear(int*, int)"/>
    public bool Clear(int bits) => Atomics.Clear(Address, bits);
}
