namespace Autobuilder.Grains.Uploads;

[GenerateSerializer]
public sealed class UploadGrainState
{
    [Id(0)] public string? Ticket { get; set; }
    [Id(1)] public string Product { get; set; } = "";
    [Id(2)] public string DscFileName { get; set; } = "";
    [Id(3)] public string Folder { get; set; } = "";
    [Id(4)] public string Source { get; set; } = "";
    [Id(5)] public string Version { get; set; } = "";
    [Id(6)] public string? Uploader { get; set; }
    [Id(7)] public UploadState State { get; set; }
    [Id(8)] public UploadState? Outcome { get; set; }
    [Id(9)] public DateTimeOffset ReceivedAt { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(11)] public List<UploadTransition> History { get; set; } = [];
    [Id(12)] public List<string> Problems { get; set; } = [];
    [Id(13)] public List<string> Files { get; set; } = [];
    [Id(14)] public List<BuildRecord> Builds { get; set; } = [];
    [Id(15)] public string? RejectedFolder { get; set; }
    [Id(16)] public bool RejectionMailed { get; set; }
    /// <summary>Why the upload's builds were stopped (an operator's cancel, or the newer upload that superseded it), and who.</summary>
    [Id(17)] public string? CancelReason { get; set; }
    [Id(18)] public string? CancelledBy { get; set; }
    [Id(19)] public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>The area the upload came from (local incoming, an account's SSH or HTTP area).</summary>
    [Id(20)] public UploadOrigin? Origin { get; set; }
    /// <summary>Who the upload is from as verified (account, signer): set by the checks.</summary>
    [Id(21)] public UploadIdentity? Identity { get; set; }
    /// <summary>The check that refused the upload, in dak's shape (check, file, field, expected, found).</summary>
    [Id(22)] public List<UploadRejection> Rejections { get; set; } = [];
    /// <summary>The .changes that came with the .dsc (kept with the upload), if any.</summary>
    [Id(23)] public string? ChangesFileName { get; set; }
    /// <summary>The account's registered address, where its mail goes (null: no account, or none registered).</summary>
    [Id(24)] public string? AccountEmail { get; set; }
    /// <summary>What each target distribution answered the upload's offer (issue 12), in the order answered.</summary>
    [Id(40)] public List<OfferAnswer> Publications { get; set; } = [];
    /// <summary>Whether the stage's answer has been mailed.</summary>
    [Id(41)] public bool PublicationMailed { get; set; }
    /// <summary>The priority an operator set with <c>uploads rescore</c>; null: the configured base priority.</summary>
    [Id(50)] public int? Priority { get; set; }
    /// <summary>Transitions cut from <see cref="History"/> to keep it within Autobuilder:UploadMemory:HistoryLimit.</summary>
    [Id(70)] public int HistoryCut { get; set; }
    /// <summary>Every mail sent or tried for the upload (one entry per mail, its tries counted).</summary>
    [Id(71)] public List<UploadMail> Mails { get; set; } = [];
}

/// <summary>One build of the upload as the upload tracks it, across its attempts.</summary>
[GenerateSerializer]
public sealed class BuildRecord
{
    [Id(0)] public string Architecture { get; set; } = "";
    [Id(1)] public BuildType Type { get; set; }
    [Id(2)] public BuildState State { get; set; }
    [Id(3)] public int Attempt { get; set; } = 1;
    [Id(4)] public string? Slot { get; set; }
    [Id(5)] public BuildOutcome? Outcome { get; set; }
    [Id(6)] public string? Summary { get; set; }
    [Id(7)] public string? LogPath { get; set; }
    [Id(8)] public string? ResultsFolder { get; set; }
    [Id(9)] public DateTimeOffset? Started { get; set; }
    [Id(10)] public DateTimeOffset? Finished { get; set; }
    /// <summary>Slots whose attempts ended in infrastructure errors: the next attempt goes elsewhere.</summary>
    [Id(11)] public List<string> FailedSlots { get; set; } = [];
    [Id(12)] public bool HandedOff { get; set; }
    [Id(13)] public bool Mailed { get; set; }
    [Id(14)] public List<string> MissingDependencies { get; set; } = [];
    /// <summary>Attempts of the current round (since receipt or the last operator retry) that ended in infrastructure errors.</summary>
    [Id(15)] public int InfrastructureErrors { get; set; }
    /// <summary>Set while a running attempt is being stopped: whatever it reports then, it ends Cancelled with this reason.</summary>
    [Id(16)] public string? CancelRequested { get; set; }
    /// <summary>A failed attempt's error lines from its log, and its diff against the last good build's log.</summary>
    [Id(40)] public BuildDiagnosis? Diagnosis { get; set; }

    public BuildProgress ToProgress() =>
        new(Architecture, Type, State, Attempt, Slot, Outcome, Summary, LogPath, ResultsFolder, Started, Finished, Diagnosis);
}
