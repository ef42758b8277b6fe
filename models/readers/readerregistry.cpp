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
