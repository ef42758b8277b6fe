#include "readerregistry.h"
#include "genericreader.h"
#include "wandbreader.h"

namespace runlens {

ReaderRegistry ReaderRegistry::withBuiltins() {
    ReaderRegistry r;
    r.add(std::make_unique<WandbReader>());
    r.add(std::make_unique<GenericReader>());
    return r;
}

const Reader *ReaderRegistry::detect(const DirListing &dir) const {
    for (const auto &r : m_readers)
        if (r->detect(dir)) return r.get();
    return nullptr;
}

} // namespace runlens
