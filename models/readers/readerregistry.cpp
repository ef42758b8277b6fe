#include "readerregistry.h"
#include "dvcreader.h"
#include "genericreader.h"
#include "guildreader.h"
#include "hydrareader.h"
#include "kerasreader.h"
#include "lightningreader.h"
#include "mlflowreader.h"
#include "optunareader.h"
#include "raytunereader.h"
#include "sacredreader.h"
#include "tensorboardreader.h"
#include "wandbreader.h"

namespace runlens {

ReaderRegistry ReaderRegistry::withBuiltins() {
    ReaderRegistry r;
    r.add(std::make_unique<WandbReader>());
    r.add(std::make_unique<MlflowReader>());
    r.add(std::make_unique<HydraReader>());
    r.add(std::make_unique<LightningReader>());
    r.add(std::make_unique<SacredReader>());
    r.add(std::make_unique<RayTuneReader>());
    r.add(std::make_unique<DvcReader>());
    r.add(std::make_unique<GuildReader>());
    r.add(std::make_unique<KerasReader>());
    r.add(std::make_unique<OptunaReader>());
    // Tool readers first: Lightning, Guild, Ray Tune and W&B folders hold event files too.
    // TensorBoard before generic: a folder with event files and a config.yaml (a script that
    // saves its config beside a SummaryWriter's output) is a TensorBoard run whose reader also
    // reads the config and metrics files the generic reader would (GenericReader's helpers),
    // so the metric histories in the events are not lost; the config file wins over the
    // hparams plugin where both give a key, as it is exact and typed.
    r.add(std::make_unique<TensorBoardReader>());
    r.add(std::make_unique<GenericReader>());
    return r;
}

const Reader *ReaderRegistry::byFormat(const QString &format) const {
    for (const auto &r : m_readers)
        if (r->format() == format) return r.get();
    return nullptr;
}

const Reader *ReaderRegistry::detect(const DirListing &dir) const {
    for (const auto &r : m_readers)
        if (r->detect(dir)) return r.get();
    return nullptr;
}

} // namespace runlens
