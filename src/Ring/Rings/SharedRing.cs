using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace RingIpc;

/// <summary>
/// A ring buffer of variable-length messages in a named shared section, mapped into this process.
/// Write with a <see cref="RingProducer"/>, read with a <see cref="RingConsumer"/>.
/// </summary>
/// <remarks>
/// A ring is <see cref="RingKind.Spsc"/> (one producer) or <see cref="RingKind.Mpsc"/> (many producers,
/// threads or processes); it always has one consumer. Its capacity is a power of two from 4 KiB to 1 GiB;
/// the longest message is <see cref="MaxMessageLength"/> = capacity / 8 − 8 bytes. The section outlives
/// this object: call <see cref="Delete"/> when no process needs the ring any more.
/// </remarks>
public sealed unsafe class SharedRing : IDisposable
{
    private readonly SharedSection _section;
    private int _disposeStarted;

    private SharedRing(SharedSection section, RingDescription description)
    {
        _section = section;
        Description = description;
        Header = new RingHeader(section.Pointer);
        Records = new RecordCursor(Header.Data, description);
        Signals = new RingSignals(section.Name, Header);
        OpenRings.Add(this);
    }

    /// <summary>The ring's name.</summary>
    public string Name => _section.Name;

    /// <summary>One producer or many.</summary>
    public RingKind Kind => Description.Kind;

    /// <summary>Bytes in the data area.</summary>
    public int Capacity => Description.Capacity;

    /// <summary>The longest message, in bytes: capacity / 8 − 8.</summary>
    public int MaxMessageLength => Description.MaxMessageLength;

    /// <summary>Whether this instance created the ring (as opposed to opening an existing one).</summary>
    public bool Created => _section.Created;

    /// <summary>For a typed ring, the layout fingerprint of its <c>[SharedLayout]</c> message struct; 0 for untyped bytes.</summary>
    public ulong MessageFingerprint => Description.MessageFingerprint;

    /// <summary>Who may open the ring's files (from the header's flags).</summary>
    internal SectionAccess Access => Description.Access;

    internal RingDescription Description { get; }

    internal bool IsDisposed => _section.IsDisposed;

    internal RingHeader Header { get; }

    /// <summary>The record walker over this mapping's data area.</summary>
    internal RecordCursor Records { get; }

    internal RingSignals Signals { get; }

    internal SharedSection Section => _section;

    /// <summary>This process's witness of how long the head has been blocked (<see cref="RingHeadBlock.BlockedFor"/>).</summary>
    internal HeadBlockClock HeadBlockClock { get; } = new();

    /// <summary>Creates a new ring of variable-length messages. Other processes can open it only once it is fully initialized.</summary>
    /// <param name="name">1 to 100 characters of <c>[A-Za-z0-9._-]</c>, not starting with '.'.</param>
    /// <param name="options">Kind, capacity and access; <c>null</c> for the defaults (SPSC, 1 MiB, owner only).</param>
    /// <exception cref="ArgumentException">Invalid name, or a capacity that is not a power of two from 4 KiB to 1 GiB.</exception>
    /// <exception cref="IOException">A section with that name already exists (and is not a stale ring that
    /// <see cref="RingOptions.ReplaceStale"/> allows to replace: the message says why it was kept), or there is no room for it.</exception>
    public static SharedRing Create(string name, RingOptions? options = null) =>
        Create(name, RingDescription.Untyped(options), options?.ReplaceStale ?? StaleRingReplacement.Never);

    /// <summary>Creates a typed ring: its header records the layout fingerprint of <typeparamref name="T"/>, and
    /// <see cref="Open{T}"/> refuses a process whose <typeparamref name="T"/> has another layout.</summary>
    /// <typeparam name="T">A <c>[SharedLayout]</c> message struct.</typeparam>
    /// <inheritdoc cref="Create(string, RingOptions?)"/>
    public static SharedRing Create<T>(string name, RingOptions? options = null)
        where T : unmanaged, ISharedLayout => Create(name, RingDescription.For<T>(options), options?.ReplaceStale ?? StaleRingReplacement.Never);

    /// <summary>Opens an existing ring and validates its header.</summary>
    /// <param name="name">The ring's name.</param>
    /// <exception cref="FileNotFoundException">There is no ring with that name.</exception>
    /// <exception cref="RingFormatException">The section is not a valid ring (the message names the field).</exception>
    public static SharedRing Open(string name) => Attach(SharedSection.Open(name, RingHeader.ValidateSectionLength));

    /// <summary>Opens an existing typed ring, checking that it carries <typeparamref name="T"/> as this process defines it.</summary>
    /// <typeparam name="T">The <c>[SharedLayout]</c> message struct.</typeparam>
    /// <exception cref="RingLayoutMismatchException">The ring was created for another layout (or for untyped bytes);
    /// the message names the type and both fingerprints.</exception>
    /// <inheritdoc cref="Open(string)"/>
    public static SharedRing Open<T>(string name)
        where T : unmanaged, ISharedLayout => RequireMessage(Open(name), RingDescription.TypeNameOf<T>(), SharedLayoutInfo.FingerprintOf<T>());

    /// <summary>Opens the ring if it exists, else creates it. Of several processes racing to create it,
    /// exactly one initializes it.</summary>
    /// <param name="name">The ring's name.</param>
    /// <param name="options">Used to create the ring; an existing ring must have the same kind and capacity.</param>
    /// <exception cref="InvalidOperationException">The existing ring has another kind or capacity.</exception>
    public static SharedRing OpenOrCreate(string name, RingOptions? options = null) => OpenOrCreate(name, RingDescription.Untyped(options));

    /// <summary>Opens the typed ring if it exists, else creates it for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The <c>[SharedLayout]</c> message struct.</typeparam>
    /// <exception cref="RingLayoutMismatchException">The existing ring carries another layout.</exception>
    /// <inheritdoc cref="OpenOrCreate(string, RingOptions?)"/>
    public static SharedRing OpenOrCreate<T>(string name, RingOptions? options = null)
        where T : unmanaged, ISharedLayout
    {
        RingDescription wanted = RingDescription.For<T>(options);
        return RequireMessage(OpenOrCreate(name, wanted), wanted.MessageTypeName, wanted.MessageFingerprint);
    }

    /// <summary>Deletes the ring's name; processes that have it open keep working on it.</summary>
    /// <returns><c>true</c> if a ring was deleted; <c>false</c> if there was none (always on Windows, where the
    /// ring disappears with the last process that has it open).</returns>
    public static bool Delete(string name) => SharedSection.Delete(name);

    /// <summary>Deletes the ring's name if the ring is stale: its creator and every endpoint it records are dead
    /// (<see cref="RingStatus.IsStale"/>). The decision is made again under exclusion (no endpoint can attach while
    /// it is made), and a ring created under the name meanwhile is never deleted.</summary>
    /// <param name="name">The ring's name.</param>
    /// <param name="evenWithUnreadMessages">Also reclaim a ring that holds committed, unread messages (they are lost).</param>
    /// <returns><c>true</c> if the ring was deleted; <c>false</c> if it is not stale, holds unread messages, or is
    /// gone (see <see cref="GetStatus"/> for why). Always <c>false</c> on Windows (a section goes with its last handle).</returns>
    /// <exception cref="RingFormatException">Something that is not a valid ring has the name.</exception>
    public static bool DeleteIfStale(string name, bool evenWithUnreadMessages = false) => DeleteIfStale(name, evenWithUnreadMessages, out _);

    /// <summary>Deletes the ring's name if the ring is stale, as <see cref="DeleteIfStale(string, bool)"/>, and says why
    /// when it does not (for tools such as <c>ringipc gc</c>).</summary>
    /// <param name="name">The ring's name.</param>
    /// <param name="evenWithUnreadMessages">Also reclaim a ring that holds committed, unread messages (they are lost).</param>
    /// <param name="reason">Why the ring was kept (e.g. "its consumer (pid 42) is alive", "it holds 5 unread
    /// message(s): force the reclaim to drop them"); <c>null</c> if it was deleted.</param>
    /// <returns><c>true</c> if the ring was deleted.</returns>
    /// <exception cref="RingFormatException">Something that is not a valid ring has the name.</exception>
    public static bool DeleteIfStale(string name, bool evenWithUnreadMessages, out string? reason)
    {
        SharedRing ring;
        try
        {
            ring = Open(name);
        }
        catch (FileNotFoundException)
        {
            reason = "no ring has this name (any more)";
            return false;
        }

        using (ring)
        {
            return StaleRings.TryReclaim(ring, evenWithUnreadMessages, out reason);
        }
    }

    /// <summary>The names of the sections of this machine that RingIpc created, sorted (rings, and any raw
    /// <see cref="SharedSection"/>: open one to tell). Linux and macOS.</summary>
    /// <exception cref="PlatformNotSupportedException">On Windows, where named sections cannot be listed: name the ring.</exception>
    public static IReadOnlyList<string> List() => SharedSection.ListNames();

    /// <summary>Attaches a producer. Any number of producers may write to an MPSC ring at once; an SPSC ring
    /// has one producer at a time (the role is held until the producer is disposed or its process exits).</summary>
    /// <param name="waitStrategy">How blocking writes wait for space; <c>null</c> for <see cref="WaitStrategy.Default"/>.</param>
    /// <exception cref="RingRoleException">The ring is SPSC and another producer holds the role.</exception>
    public RingProducer CreateProducer(WaitStrategy? waitStrategy = null)
    {
        ThrowIfDisposed();
        RoleLock? role = Kind == RingKind.Spsc ? RoleLock.Take(this, "producer", Header.ProducerPid) : null;
        try
        {
            return new RingProducer(this, waitStrategy ?? WaitStrategy.Default, role);
        }
        catch
        {
            role?.Dispose();
            throw;
        }
    }

    /// <summary>Attaches the consumer. A ring has one consumer at a time: the role is held until the consumer
    /// is disposed or its process exits (or dies).</summary>
    /// <param name="waitStrategy">How blocking reads wait for data; <c>null</c> for <see cref="WaitStrategy.Default"/>.</param>
    /// <exception cref="RingRoleException">Another consumer holds the role; the message names its pid.</exception>
    public RingConsumer CreateConsumer(WaitStrategy? waitStrategy = null)
    {
        ThrowIfDisposed();
        RoleLock role = RoleLock.Take(this, "consumer", Header.ConsumerPid, Header.ConsumerStartTime);
        try
        {
            ThrowIfRetired();
            return new RingConsumer(this, waitStrategy ?? WaitStrategy.Default, role);
        }
        catch
        {
            role.Dispose();
            throw;
        }
    }

    /// <summary>A snapshot of the ring: positions, its consumer and producers (their processes, whether each is
    /// alive, their counters) and the claim that blocks the head, if any. It only reads: nothing is taken or changed.</summary>
    /// <exception cref="RingFormatException">The header or the record at the head is corrupt.</exception>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public RingStatus GetStatus()
    {
        ThrowIfDisposed();
        _section.AddReference();
        try
        {
            return RingStatusReader.Read(this);
        }
        finally
        {
            _section.ReleaseReference();
        }
    }

    /// <summary>Unmaps the ring once its endpoints are done with it: its producers and consumers become unusable
    /// (a blocked call ends with <see cref="ObjectDisposedException"/>). The ring itself stays until deleted.</summary>
    public void Dispose()
    {
        // Once, even if two threads dispose at once: a second release of the mapping would unmap it under endpoints.
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 0)
        {
            // Endpoints of this mapping may sleep in a blocking call: mark the ring disposed, then wake them, so that
            // they see it. (Sleepers of other processes wake too, re-check, and sleep again.)
            _section.AddReference();
            _section.Dispose();
            try
            {
                Signals.WakeEveryone();
            }
            finally
            {
                _section.ReleaseReference();
            }

            Signals.Dispose();
            OpenRings.Remove(this);
            AsyncRingWaiter.NotifyIfRunning();
        }
    }

    /// <summary>Refuses an endpoint of a ring that a reclaim retired (<see cref="StaleRings"/>); called after the
    /// endpoint's registration or role, which is what the reclaim's Dekker argument needs.</summary>
    /// <exception cref="InvalidOperationException">The ring was retired.</exception>
    internal void ThrowIfRetired()
    {
        if (Header.IsRetired)
        {
            throw new InvalidOperationException(
                $"Ring '{Name}' was found stale and reclaimed (its name is deleted): open or create it again.");
        }
    }

    internal void ThrowIfDisposed()
    {
        if (_section.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(SharedRing), $"Ring '{Name}' was disposed.");
        }
    }

    private static SharedRing Create(string name, RingDescription description, StaleRingReplacement replaceStale)
    {
        SharedSection section;
        try
        {
            section = SharedSection.Create(name, description.SectionLength, description.Access, Initializer(description));
        }
        catch (IOException exception) when (replaceStale != StaleRingReplacement.Never && exception is not FileNotFoundException &&
                                            SharedSection.Exists(name))
        {
            string? reason = ReplaceIfStale(name, replaceStale == StaleRingReplacement.EvenWithUnreadMessages);
            if (reason is not null)
            {
                throw new IOException($"Ring '{name}' exists and was not replaced: {reason}.", exception);
            }

            section = SharedSection.Create(name, description.SectionLength, description.Access, Initializer(description));
        }

        return Wrap(section, description);
    }

    /// <summary>Deletes the stale ring named <paramref name="name"/>.</summary>
    /// <returns><c>null</c> if it was deleted (or is gone); else why it was kept.</returns>
    private static string? ReplaceIfStale(string name, bool evenWithUnreadMessages)
    {
        SharedRing existing;
        try
        {
            existing = Open(name);
        }
        catch (FileNotFoundException)
        {
            return null; // deleted meanwhile
        }
        catch (RingFormatException exception)
        {
            return $"it is not a valid ring ({exception.Message}); delete it with SharedRing.Delete if it is yours";
        }

        using (existing)
        {
            return StaleRings.TryReclaim(existing, evenWithUnreadMessages, out string? reason) ? null : reason;
        }
    }

    /// <summary>The ring over a section this process created; the section is unmapped if that fails.</summary>
    private static SharedRing Wrap(SharedSection section, RingDescription description)
    {
        try
        {
            return new SharedRing(section, description);
        }
        catch
        {
            section.Dispose();
            throw;
        }
    }

    private static SharedRing OpenOrCreate(string name, RingDescription wanted)
    {
        SharedSection section = SharedSection.OpenOrCreate(name, wanted.SectionLength, wanted.Access,
            Initializer(wanted), RingHeader.ValidateSectionLength);
        SharedRing ring = section.Created ? Wrap(section, wanted) : Attach(section);
        if (ring.Kind != wanted.Kind || ring.Capacity != wanted.Capacity)
        {
            ring.Dispose();
            throw new InvalidOperationException(
                $"Ring '{name}' exists as {ring.Kind} with capacity {ring.Capacity}; {wanted.Kind} with capacity {wanted.Capacity} was asked for.");
        }

        return ring;
    }

    private static SharedRing Attach(SharedSection section)
    {
        try
        {
            return new SharedRing(section, new RingHeader(section.Pointer).Validate(section.Length));
        }
        catch
        {
            section.Dispose();
            throw;
        }
    }

    private static SharedRing RequireMessage(SharedRing ring, string typeName, ulong fingerprint)
    {
        if (ring.MessageFingerprint != fingerprint)
        {
            ring.Dispose();
            throw new RingLayoutMismatchException(ring.Name, typeName, fingerprint, ring.MessageFingerprint);
        }

        return ring;
    }

    private static Action<SectionMapping> Initializer(RingDescription description) =>
        mapping => new RingHeader(mapping.Pointer).Initialize(description);
}
